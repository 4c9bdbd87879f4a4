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
    for name in ["Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy", "Document-Isolation-Policy"] {
        assert_eq!(header(&read("Trunk.toml"), name), header(&read("www/_headers"), name), "{name}");
    }
}
