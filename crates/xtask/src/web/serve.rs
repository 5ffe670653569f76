//! The classroom server: the release build in `web/dist`, each text and wasm
//! file also precompressed next to itself (`.gz` with gzip, `.br` when the
//! `brotli` command is installed: `serve` installs Debian's as root), served
//! over HTTP/1.1 with std only.
//! `trunk serve` cannot do this: its file service has no precompressed
//! variants (trunk 0.21.14 enables neither compression nor `precompressed_*`
//! of tower-http), and it serves the debug build it rebuilds on each change.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// The files worth compressing (the lesson data file is `lessons-*.bin`).
const COMPRESSIBLE: &[&str] = &["html", "js", "css", "wasm", "bin", "svg", "json"];

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Writes `file.gz` (and `file.br` when `brotli` exists) next to every
/// compressible file of `dir`; returns how many files it compressed and
/// whether brotli was there.
pub fn precompress(dir: &Path) -> Result<(usize, bool), String> {
    let brotli = Command::new("brotli").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut count = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            count += precompress(&path)?.0;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let file = path.display().to_string();
        // -n: no name or time stamp in the file, so the same build gives the same bytes.
        run_quiet(&["gzip", "-9", "-n", "-k", "-f", &file])?;
        if brotli {
            run_quiet(&["brotli", "-q", "11", "-k", "-f", &file])?;
        }
        count += 1;
    }
    Ok((count, brotli))
}

fn run_quiet(args: &[&str]) -> Result<(), String> {
    let status = Command::new(args[0]).args(&args[1..]).status().map_err(|e| format!("cannot run {}: {e}", args[0]))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` exited with {status}", args.join(" "))) }
}

/// The encoding to send: brotli before gzip, each only when the browser
/// accepts it (`q=0` refuses) and the file has that variant.
pub fn pick_encoding(accept: &str, has_br: bool, has_gz: bool) -> Option<&'static str> {
    // `gzip;q=0.5` takes gzip, `br;q=0` refuses brotli.
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut bits = part.split(';').map(str::trim);
            let q = bits.find_map(|b| b.strip_prefix("q=")).map_or(1.0, |q| q.parse::<f32>().unwrap_or(0.0));
            part.split(';').next().map(str::trim) == Some(name) && q > 0.0
        })
    };
    if has_br && accepts("br") {
        Some("br")
    } else if has_gz && accepts("gzip") {
        Some("gzip")
    } else {
        None
    }
}

/// The file a request path names under `root`: `/` is index.html; `..`,
/// absolute parts and the precompressed variants themselves are refused.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let mut out = root.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out == root || out.is_dir() {
        out.push("index.html");
    }
    let ext = out.extension().and_then(|e| e.to_str());
    (out.is_file() && !matches!(ext, Some("gz" | "br"))).then_some(out)
}

/// Answers one request on `stream` (one request per connection).
fn answer(root: &Path, stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut accept = String::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("accept-encoding")
        {
            accept = value.trim().to_string();
        }
    }
    let mut out = stream;
    if !matches!(method, "GET" | "HEAD") {
        return out.write_all(
            b"HTTP/1.1 405 Method Not Allowed\r\nallow: GET, HEAD\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        );
    }
    let Some(file) = resolve(root, target) else {
        return out.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot found");
    };
    let variant = |ext: &str| PathBuf::from(format!("{}.{ext}", file.display()));
    let encoding = pick_encoding(&accept, variant("br").is_file(), variant("gz").is_file());
    let body = match encoding {
        Some("br") => std::fs::read(variant("br"))?,
        Some(_) => std::fs::read(variant("gz"))?,
        None => std::fs::read(&file)?,
    };
    let mut head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\ncache-control: no-cache\r\nvary: accept-encoding\r\nconnection: close\r\n",
        content_type(&file),
        body.len()
    );
    if let Some(encoding) = encoding {
        head.push_str(&format!("content-encoding: {encoding}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if method == "GET" {
        out.write_all(&body)?;
    }
    out.flush()
}

/// Serves `root` on `listener` until the process is stopped.
pub fn serve(root: &Path, listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            let _ = answer(&root, stream);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn brotli_before_gzip_and_only_what_the_browser_takes() {
        let chrome = "gzip, deflate, br, zstd";
        assert_eq!(pick_encoding(chrome, true, true), Some("br"));
        assert_eq!(pick_encoding(chrome, false, true), Some("gzip"));
        assert_eq!(pick_encoding("gzip", true, true), Some("gzip"));
        assert_eq!(pick_encoding("br;q=0, gzip;q=0.5", true, true), Some("gzip"));
        assert_eq!(pick_encoding("identity", true, true), None);
        assert_eq!(pick_encoding("", true, true), None);
        assert_eq!(pick_encoding(chrome, false, false), None);
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("irqlab-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn paths_stay_inside_the_build() {
        let dir = temp_dir("paths");
        std::fs::write(dir.join("index.html"), "<!doctype html>").expect("write");
        std::fs::write(dir.join("app.js"), "x").expect("write");
        std::fs::write(dir.join("app.js.gz"), "x").expect("write");
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/app.js?v=1"), Some(dir.join("app.js")));
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/app.js.gz"), None, "variants only through accept-encoding");
        assert_eq!(resolve(&dir, "/missing.js"), None);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// A request over a real socket: the response's header and body bytes.
    fn get(port: u16, path: &str, accept: &str) -> (String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(stream, "GET {path} HTTP/1.1\r\nhost: x\r\naccept-encoding: {accept}\r\n\r\n").expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read");
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header") + 4;
        (String::from_utf8_lossy(&raw[..split]).to_lowercase(), raw[split..].to_vec())
    }

    #[test]
    fn a_browser_that_takes_gzip_gets_the_precompressed_file() {
        let dir = temp_dir("gzip");
        let wasm = vec![7u8; 50_000];
        std::fs::write(dir.join("index.html"), "<!doctype html><title>x</title>").expect("write");
        std::fs::write(dir.join("app_bg.wasm"), &wasm).expect("write");
        std::fs::write(dir.join("notes.txt"), "left alone").expect("write");
        let (count, _) = precompress(&dir).expect("gzip runs");
        assert_eq!(count, 2, "the html and the wasm, not the text file");
        let gz = std::fs::read(dir.join("app_bg.wasm.gz")).expect("a .gz next to the wasm");
        assert!(gz.len() < wasm.len() / 10, "compressed: {} bytes", gz.len());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let root = dir.clone();
        std::thread::spawn(move || serve(&root, listener));

        let (head, body) = get(port, "/app_bg.wasm", "gzip, deflate");
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("content-encoding: gzip") && head.contains("content-type: application/wasm"), "{head}");
        assert!(head.contains("vary: accept-encoding"), "{head}");
        assert_eq!(body, gz);
        let (head, body) = get(port, "/app_bg.wasm", "identity");
        assert!(!head.contains("content-encoding"), "{head}");
        assert_eq!(body, wasm);
        let (head, _) = get(port, "/", "gzip");
        assert!(head.contains("content-type: text/html"), "{head}");
        let (head, _) = get(port, "/../secret", "gzip");
        assert!(head.starts_with("http/1.1 404"), "{head}");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
