//! The web playground's commands: set-up, `serve`, the browser tests and the
//! budgets. Tool versions and flags are those of TOOLCHAIN.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup::{self, root};

mod serve;

/// The version pinned by `wasm-bindgen = "=0.2.130"` in the workspace.
const WASM_BINDGEN: &str = "0.2.130";
/// trunk 0.22 needs a newer rustc than the project's 1.95.
const TRUNK: &str = "0.21.14";
/// For the by-crate size breakdown in `cargo xtask bench` (web/BENCHMARKS-web.md).
const TWIGGY: &str = "0.8.0";

fn web_dir() -> PathBuf {
    root().join("web")
}

fn e2e_dir() -> PathBuf {
    root().join("e2e")
}

/// PATH with e2e/node_modules/.bin first, so trunk finds wasm-opt 132 there.
fn path_with_node_tools() -> String {
    let bin = e2e_dir().join("node_modules/.bin");
    match std::env::var("PATH") {
        Ok(path) => format!("{}:{path}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}

/// Runs a command in `dir` with extra environment variables, echoing it.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    println!("$ {}", args.join(" "));
    let status = Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .env("PATH", path_with_node_tools())
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", args[0]))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` exited with {status}", args.join(" "))) }
}

/// The npm packages of e2e/ (playwright-core, binaryen for wasm-opt), from
/// the committed package-lock.json, when missing or out of date.
fn npm_packages() -> Result<(), String> {
    setup::apt(&[("nodejs", "node"), ("npm", "npm")])?;
    let dir = e2e_dir();
    let installed = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let wasm_opt = dir.join("node_modules/.bin/wasm-opt");
    let wasm_opt_ok =
        setup::output(&[&wasm_opt.display().to_string(), "--version"]).is_some_and(|v| v.contains("version 132"));
    if wasm_opt_ok && modified(&installed) >= modified(&lock) {
        return Ok(());
    }
    setup::run_in(&dir, &["npm", "ci", "--no-audit", "--no-fund"])
}

/// What `serve` needs: the wasm target, trunk, the wasm-bindgen CLI, wasm-opt.
pub fn setup() -> Result<(), String> {
    setup::rust_targets()?;
    setup::cargo_tool("trunk", "trunk", TRUNK, true)?;
    // `--locked` fails for this crate (TOOLCHAIN.md); it also installs wasm-bindgen-test-runner.
    setup::cargo_tool("wasm-bindgen-cli", "wasm-bindgen", WASM_BINDGEN, false)?;
    npm_packages()
}

/// `cargo xtask serve [--port N] [--address A]`: the classroom build, the
/// optimized release build precompressed and served on
/// http://127.0.0.1:8080. `cargo xtask serve --dev [trunk serve options]`:
/// the debug build, rebuilt by `trunk serve` on every change.
pub fn serve(args: &[String]) -> Result<(), String> {
    setup()?;
    if args.first().is_some_and(|a| a == "--dev") {
        // Trunk's live-reload script is inline, which the page's CSP refuses.
        let mut command = vec!["trunk", "serve", "--offline", "--no-autoreload"];
        command.extend(args[1..].iter().map(String::as_str));
        println!("\nirqlab (debug build, rebuilt on change): open http://127.0.0.1:8080/ (Ctrl-C stops the server)");
        return run_env(&web_dir(), &command, &[]);
    }
    let (address, port) = serve_options(args)?;
    // Brotli is smaller than gzip but optional: without it (not root, say) gzip alone.
    if let Err(e) = setup::apt(&[("brotli", "brotli")]) {
        println!("note: no brotli ({e}); the files are precompressed with gzip only");
    }
    release_build()?;
    let dist = web_dir().join("dist");
    let (count, brotli) = serve::precompress(&dist)?;
    println!(
        "\n== web: {count} files precompressed with gzip{}",
        if brotli { " and brotli" } else { " (no `brotli` command: gzip only)" }
    );
    let listener = std::net::TcpListener::bind((address.as_str(), port))
        .map_err(|e| format!("cannot listen on {address}:{port}: {e} (another server there? try --port)"))?;
    println!("\nirqlab: open http://{address}:{port}/ (the release build; Ctrl-C stops the server)");
    serve::serve(&dist, listener);
    Ok(())
}

/// `--address A` and `--port N` of `serve`.
fn serve_options(args: &[String]) -> Result<(String, u16), String> {
    let (mut address, mut port) = ("127.0.0.1".to_string(), 8080);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--address" => address = value()?.clone(),
            "--port" => {
                let text = value()?;
                port = text.parse().map_err(|_| format!("`--port` takes a number, not `{text}`"))?;
            }
            other => return Err(format!("unknown option `{other}` (expected --dev, --address A or --port N)")),
        }
    }
    Ok((address, port))
}

/// The release build the end-to-end tests and the budgets use: relative
/// paths, so the same files work under any base path.
fn release_build() -> Result<(), String> {
    println!("\n== web: release build (trunk, wasm-opt -Oz)");
    run_env(&web_dir(), &["trunk", "build", "--release", "--offline", "--public-url", "./"], &[])
}

fn browsers() -> Result<(), String> {
    setup::apt(&[("chromium", "chromium"), ("chromium-driver", "chromedriver")])
}

pub fn test(_: &[String]) -> Result<(), String> {
    browsers()?;
    setup()?;
    println!("\n== web: component tests in headless Chromium (wasm-bindgen-test)");
    run_env(
        &root(),
        &[
            "cargo",
            "test",
            "-p",
            "irqlab-web",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "components",
            "--locked",
        ],
        &[
            ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner"),
            ("CHROMEDRIVER", "/usr/bin/chromedriver"),
            ("WASM_BINDGEN_TEST_TIMEOUT", "180"),
        ],
    )?;
    release_build()?;
    println!("\n== web: end-to-end tests against the release build");
    run_env(&e2e_dir(), &["node", "--test", "--test-concurrency=1", "tests/"], &[])
}

pub fn bench(_: &[String]) -> Result<(), String> {
    browsers()?;
    setup()?;
    setup::cargo_tool("twiggy", "twiggy", TWIGGY, true)?;
    release_build()?;
    println!("\n== web: native explorer time, for the browser comparison");
    run_env(
        &root(),
        &["cargo", "build", "--release", "-p", "irqlab-web", "--example", "explore_native", "--locked"],
        &[],
    )?;
    println!("\n== web: budgets (size, start, step latency, explorer) -> web/BENCHMARKS-web.md");
    run_env(&e2e_dir(), &["node", "bench/budgets.mjs"], &[])
}

#[cfg(test)]
mod tests {
    use super::serve_options;

    fn options(args: &[&str]) -> Result<(String, u16), String> {
        serve_options(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn serve_takes_an_address_and_a_port_and_refuses_the_rest() {
        assert_eq!(options(&[]), Ok(("127.0.0.1".into(), 8080)));
        assert_eq!(options(&["--port", "9000", "--address", "0.0.0.0"]), Ok(("0.0.0.0".into(), 9000)));
        assert_eq!(options(&["--port", "x"]), Err("`--port` takes a number, not `x`".into()));
        assert_eq!(options(&["--port"]), Err("`--port` needs a value".into()));
        assert!(options(&["--release"]).is_err_and(|e| e.contains("unknown option `--release`")));
    }
}
