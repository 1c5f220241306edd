//! `cargo xtask bench`: the performance targets of the service, measured. For each backend and
//! data size it generates the volume with `shortscience demo --summaries N`, starts the release
//! binary, drives load from a separate process (wrk, from Debian's packages) and records req/s,
//! p50 and p99; then writes `docs/benchmarks.md` with a table per backend, the charts
//! `docs/benchmarks-<backend>.svg`, and each target with its figure and whether it holds.

mod report;

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::{run, target_dir};

/// What `cargo xtask bench` was asked to measure.
pub struct Options {
    /// Sizes for SQLite.
    pub sizes: Vec<usize>,
    pub postgres_sizes: Vec<usize>,
    pub backends: Vec<Backend>,
    pub seconds: u64,
    pub connections: u32,
    pub postgres_url: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// One wrk run: what it asked and what it measured.
#[derive(Clone, Debug)]
pub struct Measurement {
    pub name: String,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Socket errors, timeouts and answers of 400 or more.
    pub errors: u64,
}

/// Everything measured on one backend at one size.
#[derive(Debug)]
pub struct Run {
    pub backend: Backend,
    pub size: usize,
    pub generation_seconds: f64,
    pub reads: Vec<Measurement>,
    pub mixed: Measurement,
    /// Comment inserts and the reads beside them.
    pub writes: (Measurement, Measurement),
    pub dump: Dump,
    /// The server's resident memory while load ran (the most of samples every 100 ms), in MB.
    pub rss_under_load_mb: f64,
    /// Its peak over the whole run, sign-ups (Argon2id) and the dump included, in MB.
    pub peak_rss_mb: f64,
}

#[derive(Debug)]
pub struct Dump {
    pub seconds: f64,
    pub megabytes: f64,
    pub lines: u64,
    /// Resident memory the server gained while streaming it, in MB.
    pub extra_rss_mb: f64,
}

pub fn bench(root: &Path, options: &Options) -> anyhow::Result<()> {
    crate::dist(root)?;
    ensure_wrk()?;
    let binary = target_dir(root).join("release/shortscience");
    let work = target_dir(root).join("bench");
    // Read before the first report is written: the report is itself a tracked file.
    let measured = format!("{}, commit {}", machine(), revision());
    let mut runs = Vec::new();
    for &backend in &options.backends {
        let sizes = match backend {
            Backend::Sqlite => &options.sizes,
            Backend::Postgres => &options.postgres_sizes,
        };
        for &size in sizes {
            eprintln!("== {} with {size} summaries", backend.name());
            runs.push(measure(&binary, &work, options, backend, size)?);
            // After every size, so that a run stopped later keeps what it finished.
            write_report(root, &runs, options, &measured)?;
        }
    }
    for verdict in report::targets(&runs) {
        eprintln!("{verdict}");
    }
    Ok(())
}

/// Writes `docs/benchmarks.md` and the charts from the runs made so far.
fn write_report(root: &Path, runs: &[Run], options: &Options, measured: &str) -> anyhow::Result<()> {
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs)?;
    let (markdown, charts) = report::write(runs, options, measured);
    std::fs::write(docs.join("benchmarks.md"), markdown)?;
    for (backend, svg) in charts {
        std::fs::write(
            docs.join(format!("benchmarks-{}.svg", backend.name().to_lowercase())),
            svg,
        )?;
    }
    eprintln!("wrote docs/benchmarks.md");
    Ok(())
}

fn ensure_wrk() -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The commit measured, and whether the tree differed from it.
fn revision() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]);
    if git(&["status", "--porcelain", "--untracked-files=no"]).is_empty() {
        commit
    } else {
        format!("{commit} with uncommitted changes")
    }
}

/// The processor of this machine, for the report.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown processor".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} × {cpu}")
}

/// Generates the data, serves it and measures every endpoint.
fn measure(
    binary: &Path,
    work: &Path,
    options: &Options,
    backend: Backend,
    size: usize,
) -> anyhow::Result<Run> {
    let dir = work.join(format!("{}-{size}", backend.name().to_lowercase()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
        Backend::Postgres => fresh_postgres(&options.postgres_url)?,
    };
    let env = |command: &mut Command| {
        command
            .env("SHORTSCIENCE_DATABASE_URL", &url)
            .env("SHORTSCIENCE_DATA_DIR", &dir)
            .env(
                "SHORTSCIENCE_JWT_SECRET",
                "bench-secret-bench-secret-bench-secret",
            )
            .env("SHORTSCIENCE_RATE_LIMITS", "off")
            .env("SHORTSCIENCE_LOG", "warn");
    };
    let started = Instant::now();
    let mut generate = Command::new(binary);
    generate.args(["demo", "--summaries", &size.to_string(), "--seed", "1"]);
    env(&mut generate);
    run(&mut generate)?;
    let generation_seconds = started.elapsed().as_secs_f64();

    let address = "127.0.0.1:18080";
    let mut serve = Command::new(binary);
    serve.arg("serve").env("SHORTSCIENCE_BIND", address);
    env(&mut serve);
    let server = Server::start(serve, address)?;
    let result = (|| {
        let base = format!("http://{address}");
        // First, while the server's memory holds only what starting it took.
        let dump = server.dump(&base)?;
        let fixture = Fixture::discover(&base)?;
        let wrk = Wrk {
            base: &base,
            dir: &dir,
            seconds: options.seconds,
            connections: options.connections,
            server: &server,
            rss_mb: std::cell::Cell::new(0.0),
        };
        let mut reads = Vec::new();
        for (name, path) in fixture.reads() {
            reads.push(wrk.get(&name, &path)?);
        }
        // Signed in, every answer is computed: what a read costs without the cache.
        for (name, path) in fixture.signed_in_reads() {
            let lua = format!(
                "wrk.path = {}\nwrk.headers[\"Authorization\"] = \"Bearer {}\"\n",
                lua_string(&path),
                fixture.writers[0].0
            );
            reads.push(wrk.script(&name, &lua)?);
        }
        reads.push(wrk.script("POST /papers/resolve (100 keys)", &fixture.resolve_script())?);
        let mixed = wrk.script("mixed: 95 % reads, 5 % writes", &fixture.mixed_script())?;
        let writes = wrk.alongside(
            ("comment inserts", &fixture.comment_script()),
            ("reads beside them", &fixture.read_script()),
        )?;
        Ok::<_, anyhow::Error>((reads, mixed, writes, dump, wrk.rss_mb.get()))
    })();
    let peak_rss_mb = server.peak_rss_mb();
    drop(server);
    let (reads, mixed, writes, dump, rss_under_load_mb) = result?;
    if backend == Backend::Postgres {
        psql(
            &options.postgres_url,
            &format!("DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"),
        )?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(Run {
        backend,
        size,
        generation_seconds,
        reads,
        mixed,
        writes,
        dump,
        rss_under_load_mb,
        peak_rss_mb,
    })
}

const BENCH_DATABASE: &str = "shortscience_bench";

/// A new, empty database beside the admin database of `admin_url`; returns its URL.
fn fresh_postgres(admin_url: &str) -> anyhow::Result<String> {
    psql(
        admin_url,
        &format!("DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"),
    )?;
    psql(admin_url, &format!("CREATE DATABASE {BENCH_DATABASE}"))?;
    let (server, _) = admin_url
        .rsplit_once('/')
        .context("the PostgreSQL URL names a database")?;
    Ok(format!("{server}/{BENCH_DATABASE}"))
}

fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let output = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .context("running psql")?;
    if !output.status.success() {
        bail!("psql {sql:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(())
}

/// The served binary; stopped when dropped.
struct Server {
    child: Child,
}

impl Server {
    fn start(mut command: Command, address: &str) -> anyhow::Result<Server> {
        let child = command
            .stdout(Stdio::null())
            .spawn()
            .context("starting shortscience serve")?;
        let server = Server { child };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if curl(&["-sf", &format!("http://{address}/healthz")]).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("shortscience serve did not answer /healthz within 60 s")
    }

    /// A field of `/proc/<pid>/status`, in MB.
    fn memory_mb(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| {
                v.trim_start_matches(':')
                    .split_whitespace()
                    .next()?
                    .parse::<f64>()
                    .ok()
            })
            .map_or(0.0, |kb| kb / 1024.0)
    }

    fn peak_rss_mb(&self) -> f64 {
        self.memory_mb("VmHWM")
    }

    /// Streams the NDJSON dump once, sampling the server's resident memory meanwhile.
    fn dump(&self, base: &str) -> anyhow::Result<Dump> {
        let before = self.memory_mb("VmRSS");
        let started = Instant::now();
        let mut child = Command::new("curl")
            .args(["-sf", &format!("{base}/api/v1/export/summaries.ndjson")])
            .stdout(Stdio::piped())
            .spawn()
            .context("starting curl")?;
        let mut stdout = child.stdout.take().context("curl's output")?;
        let (mut bytes, mut lines, mut peak) = (0u64, 0u64, before);
        let mut buffer = vec![0u8; 1 << 16];
        let mut sampled = Instant::now();
        loop {
            let n = stdout.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            lines += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            if sampled.elapsed() > Duration::from_millis(20) {
                peak = peak.max(self.memory_mb("VmRSS"));
                sampled = Instant::now();
            }
        }
        if !child.wait()?.success() {
            bail!("the NDJSON dump failed");
        }
        Ok(Dump {
            seconds: started.elapsed().as_secs_f64(),
            megabytes: bytes as f64 / 1e6,
            lines,
            extra_rss_mb: (peak - before).max(0.0),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs curl and returns its output.
fn curl(args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new("curl").args(args).output().context("running curl")?;
    if !output.status.success() {
        bail!(
            "curl {args:?} failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    Ok(output.stdout)
}

fn call(method: &str, url: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Value> {
    let body = body.to_string();
    let auth = token.map(|t| format!("Authorization: Bearer {t}"));
    let mut args = vec![
        "-sf",
        "-X",
        method,
        "-H",
        "Content-Type: application/json",
        "--data",
        &body,
        url,
    ];
    if let Some(auth) = &auth {
        args.extend(["-H", auth]);
    }
    let output = curl(&args)?;
    serde_json::from_slice(&output).with_context(|| format!("{method} {url}: not JSON"))
}

fn get(url: &str) -> anyhow::Result<Value> {
    serde_json::from_slice(&curl(&["-sf", url])?).with_context(|| format!("GET {url}: not JSON"))
}

/// Signed-in bench users.
const WRITERS: usize = 16;

/// What the load is made of: ids of the generated data and signed-in users.
struct Fixture {
    paper: String,
    summary: String,
    author: String,
    keys: Vec<String>,
    summaries: Vec<String>,
    /// (access token, the id of the user's own summary)
    writers: Vec<(String, String)>,
}

impl Fixture {
    fn discover(base: &str) -> anyhow::Result<Fixture> {
        let page = get(&format!("{base}/api/v1/summaries?limit=100"))?;
        let items = page["items"].as_array().context("a page of summaries")?;
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let summaries: Vec<String> = items.iter().filter_map(|s| text(&s["id"])).collect();
        let first = items.first().context("generated summaries")?;
        let author = items
            .iter()
            .find_map(|s| text(&s["author"]["username"]))
            .context("a named author")?;
        let papers = get(&format!("{base}/api/v1/papers?limit=100"))?;
        let keys = papers["items"]
            .as_array()
            .context("a page of papers")?
            .iter()
            .filter_map(|p| text(&p["key"]))
            .collect();
        let mut writers = Vec::new();
        let stamp = std::process::id();
        for (i, item) in items.iter().take(WRITERS).enumerate() {
            let auth = call(
                "POST",
                &format!("{base}/api/v1/auth/register"),
                None,
                &json!({
                    "username": format!("bench{stamp}x{i}"),
                    "email": format!("bench{stamp}x{i}@example.org"),
                    "password": "a bench password, long enough",
                }),
            )?;
            let token = text(&auth["access_token"]).context("an access token")?;
            let paper = text(&item["paper"]["id"]).context("a paper id")?;
            let own = call(
                "POST",
                &format!("{base}/api/v1/summaries"),
                Some(&token),
                &json!({"paper_id": paper, "body_markdown": format!("Bench summary {i}: $x^{i}$.")}),
            )?;
            writers.push((token, text(&own["id"]).context("a summary id")?));
        }
        Ok(Fixture {
            paper: text(&first["paper"]["id"]).context("a paper id")?,
            summary: text(&first["id"]).context("a summary id")?,
            author,
            keys,
            summaries,
            writers,
        })
    }

    /// The GET endpoints, each measured on its own.
    fn reads(&self) -> Vec<(String, String)> {
        let paper = &self.paper;
        let author = &self.author;
        [
            ("/healthz (the ceiling)", "/healthz".to_owned()),
            ("summaries, new", "/api/v1/summaries?limit=20".to_owned()),
            (
                "summaries, top of all time",
                "/api/v1/summaries?limit=20&sort=top&period=all".to_owned(),
            ),
            (
                "summaries, top of the week",
                "/api/v1/summaries?limit=20&sort=top&period=week".to_owned(),
            ),
            (
                "summaries, popular",
                "/api/v1/summaries?limit=20&sort=popular".to_owned(),
            ),
            (
                "summaries, category",
                "/api/v1/summaries?limit=20&category=cs".to_owned(),
            ),
            (
                "summaries, tag",
                "/api/v1/summaries?limit=20&tag=deep-learning".to_owned(),
            ),
            (
                "summaries, paper",
                format!("/api/v1/summaries?limit=20&paper={paper}"),
            ),
            (
                "summaries, author",
                format!("/api/v1/summaries?limit=20&author={author}"),
            ),
            ("one summary", format!("/api/v1/summaries/{}", self.summary)),
            ("one paper", format!("/api/v1/papers/{paper}")),
            ("a paper's summaries", format!("/api/v1/papers/{paper}/summaries")),
            ("search", "/api/v1/search?q=neural+networks".to_owned()),
            ("users by score", "/api/v1/users?sort=score".to_owned()),
        ]
        .into_iter()
        .map(|(name, path)| (name.to_owned(), path))
        .collect()
    }

    /// Reads measured again signed in, where nothing is served from the cache.
    fn signed_in_reads(&self) -> Vec<(String, String)> {
        let wanted = [
            "summaries, new",
            "summaries, top of the week",
            "a paper's summaries",
            "search",
            "users by score",
        ];
        self.reads()
            .into_iter()
            .filter(|(name, _)| wanted.contains(&name.as_str()))
            .map(|(name, path)| (format!("{name}{}", report::SIGNED_IN), path))
            .collect()
    }

    fn resolve_script(&self) -> String {
        let body = json!({"keys": self.keys}).to_string();
        format!(
            "wrk.method = \"POST\"\nwrk.path = \"/api/v1/papers/resolve\"\nwrk.body = {}\n\
             wrk.headers[\"Content-Type\"] = \"application/json\"\n",
            lua_string(&body)
        )
    }

    fn lua_tables(&self) -> String {
        let list = |items: &mut dyn Iterator<Item = String>| {
            items.map(|s| lua_string(&s)).collect::<Vec<_>>().join(", ")
        };
        let mut lua = String::new();
        let _ = writeln!(
            lua,
            "local summaries = {{ {} }}",
            list(&mut self.summaries.iter().cloned())
        );
        let _ = writeln!(
            lua,
            "local tokens = {{ {} }}",
            list(&mut self.writers.iter().map(|w| w.0.clone()))
        );
        let _ = writeln!(
            lua,
            "local own = {{ {} }}",
            list(&mut self.writers.iter().map(|w| w.1.clone()))
        );
        let _ = writeln!(
            lua,
            "local reads = {{ {} }}",
            list(&mut self.reads().into_iter().skip(1).map(|(_, path)| path))
        );
        lua.push_str(
            "local n = 0\n\
             local function signed(i)\n\
               return { [\"Authorization\"] = \"Bearer \" .. tokens[i], [\"Content-Type\"] = \"application/json\" }\n\
             end\n\
             local function comment()\n\
               local i = math.random(#tokens)\n\
               n = n + 1\n\
               return wrk.format(\"POST\", \"/api/v1/summaries/\" .. summaries[math.random(#summaries)] .. \"/comments\",\n\
                 signed(i), '{\"body_markdown\": \"A comment with $x_' .. n .. '$.\"}')\n\
             end\n\
             local function read()\n\
               return wrk.format(\"GET\", reads[math.random(#reads)])\n\
             end\n",
        );
        lua
    }

    /// 95 % reads over every listed read, 5 % writes by signed-in users: votes, comments, edits.
    fn mixed_script(&self) -> String {
        self.lua_tables()
            + "request = function()\n\
                 local r = math.random(100)\n\
                 if r <= 95 then return read() end\n\
                 local i = math.random(#tokens)\n\
                 if r <= 97 then\n\
                   local value = math.random(2) == 1 and 1 or -1\n\
                   return wrk.format(\"PUT\", \"/api/v1/summaries/\" .. summaries[math.random(#summaries)] .. \"/vote\",\n\
                     signed(i), '{\"value\": ' .. value .. '}')\n\
                 end\n\
                 if r <= 99 then return comment() end\n\
                 n = n + 1\n\
                 return wrk.format(\"PATCH\", \"/api/v1/summaries/\" .. own[i], signed(i),\n\
                   '{\"body_markdown\": \"Edited bench summary, revision ' .. n .. ': $y^2$.\"}')\n\
               end\n"
    }

    fn comment_script(&self) -> String {
        self.lua_tables() + "request = comment\n"
    }

    fn read_script(&self) -> String {
        self.lua_tables() + "request = read\n"
    }
}

/// A Lua string literal.
fn lua_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reports a run's figures as one line of JSON, read back by [`Wrk::parse`].
const DONE: &str = r#"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout + e.status))
end
"#;

struct Wrk<'a> {
    base: &'a str,
    dir: &'a Path,
    seconds: u64,
    connections: u32,
    server: &'a Server,
    /// The most resident memory the server had while wrk ran.
    rss_mb: std::cell::Cell<f64>,
}

impl Wrk<'_> {
    fn get(&self, name: &str, path: &str) -> anyhow::Result<Measurement> {
        self.script(name, &format!("wrk.path = {}\n", lua_string(path)))
    }

    fn script(&self, name: &str, lua: &str) -> anyhow::Result<Measurement> {
        let output = self.finish(self.spawn(name, lua, self.connections)?)?;
        Self::parse(name, &output)
    }

    /// Two loads at once, sharing the connections 1 : 7.
    fn alongside(
        &self,
        first: (&str, &str),
        second: (&str, &str),
    ) -> anyhow::Result<(Measurement, Measurement)> {
        let few = (self.connections / 8).max(1);
        let a = self.spawn(first.0, first.1, few)?;
        let b = self.spawn(second.0, second.1, self.connections - few)?;
        let (a, b) = (self.finish(a)?, self.finish(b)?);
        Ok((Self::parse(first.0, &a)?, Self::parse(second.0, &b)?))
    }

    /// Waits for wrk, sampling the server's memory meanwhile.
    fn finish(&self, mut child: Child) -> anyhow::Result<std::process::Output> {
        while child.try_wait()?.is_none() {
            self.rss_mb
                .set(self.rss_mb.get().max(self.server.memory_mb("VmRSS")));
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(child.wait_with_output()?)
    }

    fn spawn(&self, name: &str, lua: &str, connections: u32) -> anyhow::Result<Child> {
        let script = self.dir.join(format!(
            "{}.lua",
            name.replace(|c: char| !c.is_alphanumeric(), "_")
        ));
        std::fs::write(&script, format!("{lua}{DONE}"))?;
        eprintln!("  {name}");
        Command::new("wrk")
            .args([
                "-t2",
                &format!("-c{connections}"),
                &format!("-d{}s", self.seconds),
                "--timeout",
                "10s",
                "-s",
            ])
            .arg(&script)
            .arg(format!("{}/", self.base))
            .stdout(Stdio::piped())
            .spawn()
            .context("starting wrk")
    }

    fn parse(name: &str, output: &std::process::Output) -> anyhow::Result<Measurement> {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("BENCH "))
            .with_context(|| format!("wrk for {name} reported nothing: {stdout}"))?;
        let numbers: Vec<u64> = line.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        let [requests, duration_us, p50_us, p99_us, errors] = numbers[..] else {
            bail!("wrk for {name}: {line}");
        };
        // Not one answer within the run (wrk counts a timeout only after 10 s): every request
        // failed, and each took at least the run's length.
        let (p50_us, p99_us, errors) = if requests == 0 {
            (duration_us, duration_us, errors.max(1))
        } else {
            (p50_us, p99_us, errors)
        };
        let measurement = Measurement {
            name: name.to_owned(),
            requests_per_second: requests as f64 / (duration_us as f64 / 1e6),
            p50_ms: p50_us as f64 / 1000.0,
            p99_ms: p99_us as f64 / 1000.0,
            errors,
        };
        eprintln!(
            "    {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            measurement.requests_per_second, measurement.p50_ms, measurement.p99_ms, measurement.errors
        );
        Ok(measurement)
    }
}

/// Where the bench keeps its databases.
pub fn default_postgres_url() -> String {
    std::env::var("SHORTSCIENCE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}
