//! `docs/benchmarks.md`, its charts, and the targets of issue 11 judged against the figures.

use std::fmt::Write as _;

use super::{Backend, Measurement, Options, Run};

/// The report and one SVG chart per backend.
pub fn write(runs: &[Run], options: &Options, machine: &str) -> (String, Vec<(Backend, String)>) {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` (see the README). Release build; load from wrk in a separate \
         process, {} connections, {} s per endpoint, on {machine}. The data is `shortscience demo \
         --summaries N --seed 1`: N summaries over N/5 papers by N/20 users, with tags and votes. \
         Rate limits are off, so that the figures measure the service rather than its quotas.\n",
        options.connections, options.seconds
    );
    let verdicts = targets(runs);
    let _ = writeln!(md, "## Targets\n");
    for verdict in &verdicts {
        let _ = writeln!(md, "- {verdict}");
    }
    let mut charts = Vec::new();
    for backend in &options.backends {
        let mine: Vec<&Run> = runs.iter().filter(|r| r.backend == *backend).collect();
        let Some(first) = mine.first() else { continue };
        let _ = writeln!(md, "\n## {}\n", backend.name());
        let slug = backend.name().to_lowercase();
        let _ = writeln!(
            md,
            "![p50 and p99 against data size, {0}](benchmarks-{1}.svg)\n",
            backend.name(),
            slug
        );
        let _ = write!(md, "| endpoint |");
        for run in &mine {
            let _ = write!(md, " {} req/s | p50 ms | p99 ms |", count(run.size));
        }
        let _ = write!(md, "\n|---|");
        for _ in &mine {
            let _ = write!(md, "---:|---:|---:|");
        }
        md.push('\n');
        let rows = first.reads.len();
        for row in 0..rows + 3 {
            let pick = |run: &Run| -> Measurement {
                match row.checked_sub(rows) {
                    None => run.reads[row].clone(),
                    Some(0) => run.mixed.clone(),
                    Some(1) => run.writes.0.clone(),
                    Some(_) => run.writes.1.clone(),
                }
            };
            let _ = write!(md, "| {} |", pick(first).name);
            for run in &mine {
                let m = pick(run);
                let errors = if m.errors > 0 {
                    format!(" ({} errors)", m.errors)
                } else {
                    String::new()
                };
                let _ = write!(
                    md,
                    " {:.0}{errors} | {:.2} | {:.2} |",
                    m.requests_per_second, m.p50_ms, m.p99_ms
                );
            }
            md.push('\n');
        }
        let _ = writeln!(
            md,
            "\n| | {} |",
            mine.iter().map(|r| count(r.size)).collect::<Vec<_>>().join(" | ")
        );
        let _ = writeln!(md, "|---|{}", "---:|".repeat(mine.len()));
        let line = |label: &str, value: &dyn Fn(&Run) -> String| {
            format!(
                "| {label} | {} |\n",
                mine.iter().map(|r| value(r)).collect::<Vec<_>>().join(" | ")
            )
        };
        md += &line("generating the data (s)", &|r| {
            format!("{:.1}", r.generation_seconds)
        });
        md += &line("NDJSON dump (s)", &|r| format!("{:.1}", r.dump.seconds));
        md += &line("NDJSON dump (MB, lines)", &|r| {
            format!("{:.0}, {}", r.dump.megabytes, r.dump.lines)
        });
        md += &line("memory the dump added (MB)", &|r| {
            format!("{:.1}", r.dump.extra_rss_mb)
        });
        md += &line("resident memory under load (MB)", &|r| {
            format!("{:.0}", r.rss_under_load_mb)
        });
        md += &line("peak resident memory, sign-ups included (MB)", &|r| {
            format!("{:.0}", r.peak_rss_mb)
        });
        charts.push((*backend, chart(backend.name(), &mine)));
    }
    (md, charts)
}

/// 10k, 100k, 1M.
fn count(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1000 && n % 1000 == 0 => format!("{}k", n / 1000),
        n => n.to_string(),
    }
}

fn find<'a>(run: &'a Run, name: &str) -> Option<&'a Measurement> {
    run.reads.iter().find(|m| m.name == name)
}

const LIST: &str = "summaries, new";
const CEILING: &str = "/healthz (the ceiling)";
const SEARCH: &str = "search";
/// What the bench appends to the name of a read measured again signed in.
pub const SIGNED_IN: &str = ", signed in (never cached)";

/// Each target of issue 11, with its figure and whether it holds.
pub fn targets(runs: &[Run]) -> Vec<String> {
    let mut out = Vec::new();
    let mut judge = |holds: bool, text: String| {
        out.push(format!(
            "**{}**: {text}",
            if holds { "holds" } else { "does not hold" }
        ));
    };
    let largest = runs.iter().map(|r| r.size).max().unwrap_or(0);
    let smallest = runs.iter().map(|r| r.size).min().unwrap_or(0);
    for run in runs {
        let at = format!("{} at {}", run.backend.name(), count(run.size));
        if run.size >= 100_000
            && let (Some(list), Some(ceiling)) = (find(run, LIST), find(run, CEILING))
        {
            let share = list.requests_per_second / ceiling.requests_per_second;
            judge(
                share >= 0.5 && list.p99_ms <= 20.0 && list.errors + ceiling.errors == 0,
                format!(
                    "{at}: `GET /summaries?limit=20` at ≥ 50 % of `/healthz` with p99 ≤ 20 ms — {:.0} req/s, \
                     {:.1} % of {:.0}, p99 {:.1} ms",
                    list.requests_per_second,
                    share * 100.0,
                    ceiling.requests_per_second,
                    list.p99_ms
                ),
            );
        }
        if run.size != largest {
            continue;
        }
        let reads: Vec<&Measurement> = run.reads.iter().filter(|m| m.name != CEILING).collect();
        let slowest = reads
            .iter()
            .min_by(|a, b| a.requests_per_second.total_cmp(&b.requests_per_second));
        if let Some(slowest) = slowest {
            judge(
                slowest.requests_per_second >= 1000.0 && reads.iter().all(|m| m.errors == 0),
                format!(
                    "{at}: no read under 1,000 req/s — the slowest is {} at {:.0} req/s",
                    slowest.name, slowest.requests_per_second
                ),
            );
        }
        if let Some(small) = runs
            .iter()
            .find(|r| r.backend == run.backend && r.size == smallest)
            && smallest < largest
        {
            let worst = reads
                .iter()
                .filter_map(|m| {
                    Some((
                        m.name.as_str(),
                        find(small, &m.name)?.requests_per_second / m.requests_per_second,
                    ))
                })
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((name, ratio)) = worst {
                judge(
                    ratio <= 1.5,
                    format!(
                        "{at}: every read within 1.5× of its throughput at {} — the furthest is {name}, {ratio:.2}×",
                        count(smallest)
                    ),
                );
            }
        }
        // Anonymous and signed in (never cached): the slower counts.
        let searches = [SEARCH.to_owned(), format!("{SEARCH}{SIGNED_IN}")];
        if let Some(search) = searches
            .iter()
            .filter_map(|name| find(run, name))
            .max_by(|a, b| a.p50_ms.total_cmp(&b.p50_ms))
        {
            judge(
                search.p50_ms <= 30.0 && search.errors == 0,
                format!(
                    "{at}: search p50 ≤ 30 ms — {:.1} ms ({})",
                    search.p50_ms, search.name
                ),
            );
        }
        judge(
            run.rss_under_load_mb <= 150.0,
            format!(
                "{at}: resident memory ≤ 150 MB under load — {:.0} MB (peak {:.0} MB with the sign-ups' Argon2id)",
                run.rss_under_load_mb, run.peak_rss_mb
            ),
        );
        judge(
            run.dump.extra_rss_mb <= 32.0,
            format!(
                "{at}: the NDJSON dump of {} summaries in flat memory (≤ 32 MB added) — {:.1} MB added over {:.0} MB streamed",
                run.dump.lines, run.dump.extra_rss_mb, run.dump.megabytes
            ),
        );
        if run.backend == Backend::Sqlite {
            let (comments, reads) = &run.writes;
            judge(
                comments.requests_per_second >= 1000.0 && comments.errors == 0,
                format!(
                    "{at}: ≥ 1,000 comment inserts/s while reads continue — {:.0}/s ({} errors), reads beside them {:.0} req/s",
                    comments.requests_per_second, comments.errors, reads.requests_per_second
                ),
            );
        }
    }
    let failed: u64 = runs
        .iter()
        .flat_map(|r| r.reads.iter().chain([&r.mixed, &r.writes.0, &r.writes.1]))
        .map(|m| m.errors)
        .sum();
    judge(
        failed == 0,
        format!("no failed request in any run — {failed} failed"),
    );
    for target in NOT_MEASURED {
        out.push(format!("**not measured by this command**: {target}"));
    }
    out
}

/// The targets of issue 11 this command does not measure yet, and where they stand instead.
const NOT_MEASURED: &[&str] = &[
    "Lighthouse and axe-core over the app's pages (performance, accessibility, CLS, LCP, TBT on \
     a simulated phone); CLS ≤ 0.1 on the home and paper pages is asserted instead by the browser \
     test `the_home_and_paper_pages_hold_still_while_they_load`",
    "a cold load of the paper page painted in ≤ 1 s in headless Chromium (Performance API)",
    "the reader's wasm ≤ 400 KB gzip, with brotli and gzip variants and hashed names cached for \
     good: asserted by the test suite (`the_readers_bundle_stays_within_its_budget`, \
     `the_apps_files_are_cached_for_good_and_sent_compressed`)",
];

/// p50 (dashed) and p99 (solid) of the main reads against data size, log-scaled both ways.
fn chart(title: &str, runs: &[&Run]) -> String {
    const SERIES: [(&str, &str); 5] = [
        (LIST, "#1f77b4"),
        ("summaries, top of all time", "#ff7f0e"),
        ("a paper's summaries", "#2ca02c"),
        (SEARCH, "#d62728"),
        ("users by score", "#9467bd"),
    ];
    let (width, height, left, right, top, bottom) = (720.0, 420.0, 70.0, 200.0, 40.0, 50.0);
    let sizes: Vec<f64> = runs.iter().map(|r| r.size as f64).collect();
    let latencies: Vec<f64> = runs
        .iter()
        .flat_map(|r| r.reads.iter())
        .filter(|m| SERIES.iter().any(|(name, _)| *name == m.name))
        .flat_map(|m| [m.p50_ms, m.p99_ms])
        .filter(|v| *v > 0.0)
        .collect();
    let (x_min, x_max) = bounds(&sizes);
    let (y_min, y_max) = bounds(&latencies);
    let x = |v: f64| left + (v.log10() - x_min) / (x_max - x_min).max(1e-9) * (width - left - right);
    let y = |v: f64| {
        height - bottom - (v.max(1e-3).log10() - y_min) / (y_max - y_min).max(1e-9) * (height - top - bottom)
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"24\" font-size=\"15\">{title}: latency against summaries (log scales)</text>\n"
    );
    let (x0, x1, y0, y1) = (left, width - right, height - bottom, top);
    let _ = writeln!(
        svg,
        "<path d=\"M{x0} {y1} V{y0} H{x1}\" stroke=\"black\" fill=\"none\"/>"
    );
    for &size in &sizes {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{y0}\" y2=\"{1}\" stroke=\"black\"/><text x=\"{0:.1}\" y=\"{2}\" text-anchor=\"middle\">{3}</text>",
            x(size),
            y0 + 5.0,
            y0 + 20.0,
            count(size as usize)
        );
    }
    let mut decade = 10f64.powf(y_min.floor());
    while decade.log10() <= y_max + 1e-9 {
        if decade.log10() >= y_min - 1e-9 {
            let _ = writeln!(
                svg,
                "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{0:.1}\" y2=\"{0:.1}\" stroke=\"#ddd\"/><text x=\"{1}\" y=\"{2:.1}\" text-anchor=\"end\">{3} ms</text>",
                y(decade),
                x0 - 6.0,
                y(decade) + 4.0,
                decade
            );
        }
        decade *= 10.0;
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">summaries</text>",
        (x0 + x1) / 2.0,
        height - 8.0
    );
    for (i, (name, colour)) in SERIES.iter().enumerate() {
        for (dashed, pick) in [(false, 1usize), (true, 0)] {
            let points: Vec<String> = runs
                .iter()
                .filter_map(|r| {
                    let m = find(r, name)?;
                    let v = if pick == 1 { m.p99_ms } else { m.p50_ms };
                    Some(format!("{:.1},{:.1}", x(r.size as f64), y(v)))
                })
                .collect();
            let dash = if dashed { " stroke-dasharray=\"5 4\"" } else { "" };
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
                points.join(" ")
            );
        }
        let ly = top + 20.0 + i as f64 * 20.0;
        let _ = writeln!(
            svg,
            "<line x1=\"{0}\" x2=\"{1}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{2}\" y=\"{3}\">{name}</text>",
            x1 + 15.0,
            x1 + 40.0,
            x1 + 46.0,
            ly + 4.0
        );
    }
    let ly = top + 20.0 + SERIES.len() as f64 * 20.0 + 10.0;
    let _ = writeln!(
        svg,
        "<text x=\"{0}\" y=\"{ly}\">solid: p99, dashed: p50</text>\n</svg>",
        x1 + 15.0
    );
    svg
}

/// The log₁₀ range of the values, widened to whole decades.
fn bounds(values: &[f64]) -> (f64, f64) {
    let logs = values.iter().filter(|v| **v > 0.0).map(|v| v.log10());
    let (lo, hi) = logs.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    (lo.floor(), hi.ceil().max(lo.floor() + 1.0))
}
