//! The page's headers are written in three places: Trunk.toml (the dev server),
//! www/_headers (static hosts) and the e2e server. They must say the same.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The value of the first line that names `header`, in any of the three files' syntaxes
/// (`"Name" = "value"`, `Name: value`, `'Name': value`), unquoted.
fn header(text: &str, header: &str) -> Option<String> {
    let line = text.lines().find(|l| l.contains(header) && !l.trim_start().starts_with(['#', '/', '*']))?;
    let value = line.split_once(header)?.1;
    let value = value.trim_start_matches(['"', '\'']).trim_start().trim_start_matches(['=', ':']).trim();
    let value = value.trim_end_matches(',');
    // One pair of quotes around the whole value, if any: the policy's own quotes stay.
    let unquoted = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    Some(unquoted.to_string())
}

fn csp_of_e2e_server() -> String {
    let support = read("tests/e2e/support.mjs");
    let line = support.lines().find(|l| l.starts_with("export const CSP")).expect("support.mjs exports CSP");
    line.split_once('"').and_then(|(_, rest)| rest.rsplit_once('"')).map(|(v, _)| v.to_string()).unwrap()
}

#[test]
fn the_content_security_policy_is_the_same_for_the_dev_server_static_hosts_and_the_tests() {
    let trunk = header(&read("Trunk.toml"), "Content-Security-Policy").expect("Trunk.toml sends a CSP");
    let static_hosts = header(&read("www/_headers"), "Content-Security-Policy").expect("_headers sends a CSP");
    assert_eq!(trunk, static_hosts);
    assert_eq!(trunk, csp_of_e2e_server());
    // What the policy is for: no script but the page's own, no plugins, no base rewriting.
    let directives: Vec<&str> = trunk.split(';').map(str::trim).collect();
    assert!(directives.contains(&"script-src 'self' 'wasm-unsafe-eval'"), "{trunk}");
    assert!(directives.contains(&"object-src 'none'") && directives.contains(&"base-uri 'none'"), "{trunk}");
    assert!(!trunk.contains("unsafe-inline'; script") && !trunk.contains("data:"), "{trunk}");
}

#[test]
fn the_isolation_headers_are_the_same_for_the_dev_server_and_static_hosts() {
    for name in [
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Embedder-Policy",
        "Document-Isolation-Policy",
        "Cross-Origin-Resource-Policy",
    ] {
        assert_eq!(header(&read("Trunk.toml"), name), header(&read("www/_headers"), name), "{name}");
    }
}

/// Runs the post-build hook on a small stand-in for Trunk's output and returns the service
/// worker it wrote.
fn service_worker_as_built() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let staging = std::env::temp_dir().join(format!("interleave-hook-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).unwrap();
    let app = "app-0123456789abcdef";
    let index = format!(
        "<html><head><link rel=\"modulepreload\" href=\"./{app}.js\" crossorigin=\"anonymous\">\
         <script type=\"module\">import init, * as bindings from './{app}.js';\n\
         const wasm = await init({{ module_or_path: './{app}_bg.wasm' }});</script></head><body></body></html>"
    );
    std::fs::write(staging.join("index.html"), index).unwrap();
    std::fs::write(staging.join(format!("{app}.js")), "export default async function init() {}").unwrap();
    std::fs::write(staging.join(format!("{app}_bg.wasm")), b"\0asm").unwrap();
    std::fs::copy(root.join("www/sw.js"), staging.join("sw.js")).unwrap();
    let status = std::process::Command::new("python3")
        .arg(root.join("scripts/trunk_init_script.py"))
        .env("TRUNK_STAGING_DIR", &staging)
        .status()
        .expect("python3 runs the post-build hook");
    assert!(status.success(), "the post-build hook failed");
    let worker = std::fs::read_to_string(staging.join("sw.js")).unwrap();
    let _ = std::fs::remove_dir_all(&staging);
    worker
}

/// The service worker sends the headers where a host cannot. It holds no copy of its own:
/// the build writes those of www/_headers into it.
#[test]
fn the_service_worker_sends_the_headers_of_static_hosts() {
    assert!(read("www/sw.js").lines().any(|l| l == "const HEADERS = {};"), "www/sw.js leaves its headers to the build");
    let built = service_worker_as_built();
    let line = built.lines().find_map(|l| l.strip_prefix("const HEADERS = ")).expect("the build fills in HEADERS");
    let headers: std::collections::BTreeMap<String, String> = serde_json::from_str(line.trim_end_matches(';')).unwrap();
    let static_hosts = read("www/_headers");
    for name in [
        "Content-Security-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Embedder-Policy",
        "Document-Isolation-Policy",
        "Cross-Origin-Resource-Policy",
    ] {
        assert_eq!(headers.get(name), header(&static_hosts, name).as_ref(), "{name}");
    }
    assert_eq!(headers.len(), 5, "{headers:?}");
}
