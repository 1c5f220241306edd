//! `cargo xtask …`: the build steps cargo alone cannot express — the wasm SPA (wasm-bindgen,
//! wasm-opt), installing the tools they need, and the two commands of the README.

mod assets;
mod bench;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what the build needs: the wasm32 target and the wasm-bindgen CLI at the locked version.
    Setup,
    /// Build the SPA into frontend/dist.
    Frontend,
    /// Build everything and serve the site with demo content on SQLite (http://127.0.0.1:8080).
    Run,
    /// Check formatting and lints, then run every test on SQLite and PostgreSQL plus the browser test.
    Test,
    /// Build the release binary target/release/shortscience with the SPA embedded.
    Dist,
    /// Regenerate openapi/openapi.json from the code.
    Openapi,
    /// Measure the performance targets (release build, wrk): every read, a mixed load, writes,
    /// the NDJSON dump, at each size on each backend; writes docs/benchmarks.md and its charts.
    Bench {
        /// Synthetic summaries to generate, one run per size.
        #[arg(long, value_delimiter = ',', default_values_t = [10_000, 100_000, 1_000_000])]
        sizes: Vec<usize>,
        /// Sizes for PostgreSQL, when they differ (its 1M generation and dump take longest).
        #[arg(long, value_delimiter = ',')]
        postgres_sizes: Option<Vec<usize>>,
        /// The backends to measure.
        #[arg(long, value_delimiter = ',', value_enum, default_values_t = [bench::Backend::Sqlite, bench::Backend::Postgres])]
        backends: Vec<bench::Backend>,
        /// Seconds of load per endpoint.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Concurrent connections.
        #[arg(long, default_value_t = 64)]
        connections: u32,
    },
}

fn main() -> anyhow::Result<()> {
    let root = workspace_root()?;
    std::env::set_current_dir(&root)?;
    match Cli::parse().command {
        Task::Setup => setup(),
        Task::Frontend => {
            setup()?;
            frontend(&root)
        }
        Task::Run => {
            setup()?;
            frontend(&root)?;
            run(cargo().args([
                "run",
                "-p",
                "api",
                "--bin",
                "shortscience",
                "--",
                "serve",
                "--demo",
            ]))
        }
        Task::Test => {
            setup()?;
            frontend(&root)?;
            run(cargo().args(["fmt", "--all", "--check"]))?;
            run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
            run(cargo().args([
                "clippy",
                "-p",
                "frontend",
                "-p",
                "renderer",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ]))?;
            let python = python_tools(&root)?;
            let mut test = cargo();
            test.args(["test", "--workspace"])
                .env("SHORTSCIENCE_TEST_PYTHON", python);
            if std::env::var_os("SHORTSCIENCE_TEST_POSTGRES_URL").is_none() {
                // The local server every machine of ours runs; a missing server fails the run.
                test.env(
                    "SHORTSCIENCE_TEST_POSTGRES_URL",
                    "postgres://postgres@127.0.0.1:5432/postgres",
                );
            }
            run(&mut test)
        }
        Task::Dist => dist(&root),
        Task::Bench {
            sizes,
            postgres_sizes,
            backends,
            seconds,
            connections,
        } => bench::bench(
            &root,
            &bench::Options {
                postgres_sizes: postgres_sizes.unwrap_or_else(|| sizes.clone()),
                sizes,
                backends,
                seconds,
                connections,
                postgres_url: bench::default_postgres_url(),
            },
        ),
        Task::Openapi => {
            let output = cargo()
                .args([
                    "run",
                    "--quiet",
                    "-p",
                    "api",
                    "--bin",
                    "shortscience",
                    "--",
                    "openapi",
                ])
                .env("SHORTSCIENCE_LOG", "warn")
                .output()
                .context("running shortscience openapi")?;
            if !output.status.success() {
                bail!(
                    "shortscience openapi failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            std::fs::write(root.join("openapi/openapi.json"), output.stdout)?;
            eprintln!("wrote openapi/openapi.json");
            Ok(())
        }
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    eprintln!("$ {command:?}");
    let status = command
        .status()
        .with_context(|| format!("starting {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

fn workspace_root() -> anyhow::Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .context("xtask lives inside the workspace")
}

/// The release binary target/release/shortscience with the SPA embedded.
fn dist(root: &Path) -> anyhow::Result<()> {
    setup()?;
    frontend(root)?;
    run(cargo().args(["build", "--release", "-p", "api", "--bin", "shortscience"]))
}

/// The wasm-bindgen version the lock file pins; the CLI must be exactly this version.
fn locked_wasm_bindgen() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

/// The binaryen release whose wasm-opt reads rustc 1.95's output.
const BINARYEN: &str = "binaryen@132";

fn setup() -> anyhow::Result<()> {
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let has_target = targets
        .as_ref()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == "wasm32-unknown-unknown")
        })
        .unwrap_or(false);
    if !has_target {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let wanted = locked_wasm_bindgen()?;
    let installed = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if installed != format!("wasm-bindgen {wanted}") {
        // Not `--locked`: the CLI's own lock file names a crate release missing from the registry.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    }
    let root = workspace_root()?;
    if !wasm_opt(&root).exists() {
        let prefix = target_dir(&root).join("tools");
        std::fs::create_dir_all(&prefix)?;
        let installed = Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(BINARYEN)
            .status();
        if !installed.is_ok_and(|s| s.success()) {
            eprintln!(
                "warning: could not install {BINARYEN} with npm; the SPA is built without wasm-opt (larger)"
            );
        }
    }
    Ok(())
}

/// wasm32 build → wasm-bindgen → (wasm-opt when available) → frontend/dist: the SPA, and the
/// renderer module that only the editor loads.
fn frontend(root: &Path) -> anyhow::Result<()> {
    run(cargo().args([
        "build",
        "-p",
        "frontend",
        "-p",
        "renderer",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let dist = root.join("frontend/dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    std::fs::create_dir_all(&dist)?;
    let wasm_opt = wasm_opt(root);
    for module in ["frontend", "renderer"] {
        let wasm = target_dir(root).join(format!("wasm32-unknown-unknown/wasm-release/{module}.wasm"));
        run(Command::new("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&dist)
            .arg(&wasm))?;
        if wasm_opt.exists() {
            let out = dist.join(format!("{module}_bg.wasm"));
            // Rust's wasm32 stack runs down from 1 MiB with the data above it, so the low 1 KiB
            // of memory holds nothing unless the stack is already overflowing: wasm-opt may fold
            // address arithmetic on that assumption (1.8 KB less gzipped).
            run(Command::new(&wasm_opt)
                .args(["-Oz", "--converge", "--low-memory-unused"])
                .arg("--enable-bulk-memory")
                .arg("--enable-nontrapping-float-to-int")
                .arg(&out)
                .arg("-o")
                .arg(&out))?;
        }
    }
    std::fs::copy(root.join("frontend/index.html"), dist.join("index.html"))?;
    for entry in std::fs::read_dir(root.join("frontend/static"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), dist.join(entry.file_name()))?;
    }
    math_assets(&dist)?;
    assets::fingerprint(&dist)?;
    assets::precompress(&dist)
}

/// CSS without its `/* … */` comments and with each run of white space as one space (the SPA's
/// stylesheet has no `/*` and no run of spaces inside a string or URL).
fn minified(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..].split_once("*/").map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The math font and table styles, taken from the pulldown-latex package the renderer is built
/// with (found through `cargo metadata`, so nothing third-party is copied into the repository or
/// fetched from elsewhere): Latin Modern Math as `math/latinmodern-math.woff2`, and the rules of
/// its `styles.css` for the classes it writes (column alignment, array rules, `\hline`), appended
/// to the SPA's stylesheet. Its font declarations and its CSS-counter equation numbers are left
/// out: the SPA declares the font itself (with `font-display: swap`) and the renderer writes
/// equation numbers into the MathML.
fn math_assets(dist: &Path) -> anyhow::Result<()> {
    let package = package_dir("pulldown-latex")?;
    std::fs::create_dir_all(dist.join("math"))?;
    std::fs::copy(
        package.join("font/latinmodern-math.woff2"),
        dist.join("math/latinmodern-math.woff2"),
    )
    .context("copying Latin Modern Math from the pulldown-latex package")?;
    let styles = std::fs::read_to_string(package.join("styles.css"))
        .context("reading the pulldown-latex package's styles.css")?;
    const MARKER: &str = "/* MathML css styling */";
    let Some((_, rules)) = styles.split_once(MARKER) else {
        bail!("pulldown-latex's styles.css no longer has the `{MARKER}` section this build takes");
    };
    // The stylesheet's comments and layout are for its readers here, not for every visitor's
    // download.
    let mut css = minified(&std::fs::read_to_string(dist.join("style.css"))?);
    css.push_str("\n/* From pulldown-latex's styles.css (MIT licence, Charles Edward Gagnon), taken at build time. */\n");
    for rule in rules.split_inclusive('}') {
        // Its stylesheet declares the MathML namespace as `m`; in HTML documents plain type
        // selectors match MathML elements, so the prefix is dropped rather than declared.
        if !rule.contains("with-eqn") && !rule.trim().is_empty() {
            css.push_str(rule.trim().replace("m|", "").as_str());
            css.push('\n');
        }
    }
    std::fs::write(dist.join("style.css"), css)?;
    Ok(())
}

/// The source directory of a dependency, as `cargo metadata` reports it.
fn package_dir(name: &str) -> anyhow::Result<PathBuf> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let manifest = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == name)
        .and_then(|package| package["manifest_path"].as_str())
        .with_context(|| format!("{name} is not a dependency"))?;
    Path::new(manifest)
        .parent()
        .map(Path::to_path_buf)
        .with_context(|| format!("{name}'s manifest path {manifest}"))
}

/// Where `setup` puts binaryen's wasm-opt (from the npm registry: Debian's is too old to read
/// what rustc emits).
fn wasm_opt(root: &Path) -> PathBuf {
    target_dir(root).join("tools/node_modules/.bin/wasm-opt")
}

/// The virtualenv of the Python tools the tests run (schemathesis, openapi-spec-validator,
/// openapi-python-client), made from the pinned `tests/python/requirements.txt` and remade only
/// when that file changes. Returns its Python.
fn python_tools(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = target_dir(root).join("python");
    let python = venv.join("bin/python");
    let requirements = root.join("tests/python/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).context("reading tests/python/requirements.txt")?;
    let stamp = venv.join("installed-requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|have| have == wanted) {
        return Ok(python);
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}
