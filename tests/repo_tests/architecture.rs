//! The floors of the house, read from the sources: which top-level module may use which
//! (imports only point down), which may use web crates (only the worker and the page), and
//! no two sibling modules anywhere that use each other, directly or around a circle. A `use`
//! that breaks a rule fails this test, so the layering cannot rot unnoticed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::sources::rust_sources;

/// What each top-level module may use, besides itself and the crate root's constants.
const FLOORS: &[(&str, &[&str])] = &[
    ("engine", &[]),
    ("i18n", &[]),
    ("knobs", &["engine"]),
    ("lessons", &["compile", "engine", "i18n", "knobs"]),
    ("compile", &["engine", "i18n"]),
    ("draw", &["engine", "i18n"]),
    ("query", &["i18n", "knobs", "lessons"]),
    ("worker", &["compile", "draw", "engine", "i18n", "knobs", "lessons"]),
    ("cli", &["compile", "engine", "i18n", "knobs", "lessons"]),
    ("ui", &["draw", "engine", "i18n", "knobs", "lessons", "query", "worker"]),
];

/// Crates that exist only in the browser; only these top-level modules may use them.
const WEB_CRATES: &[&str] = &[
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "wasm_bindgen_rayon",
    "web_sys",
    "js_sys",
    "yew",
    "gloo_timers",
    "gloo_events",
    "serde_wasm_bindgen",
];
const WEB_ALLOWED: &[&str] = &["worker", "ui"];

/// A source file as a module path (`src/engine/sim/world.rs` is `engine::sim::world`).
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without its comments (doc links name modules too, but use none).
fn code(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Every module path a file refers to: `crate::a::b...` and `super::...` (resolved), and
/// the external crates it names in `use` lines.
fn references(module: &[String], text: &str) -> (Vec<Vec<String>>, Vec<String>) {
    let code = code(text);
    let mut paths = Vec::new();
    let mut crates = Vec::new();
    let words = |rest: &str| -> Vec<String> {
        rest.split("::")
            .map(|w| w.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
            .take_while(|w| !w.is_empty() && w.chars().next().is_some_and(|c| c.is_lowercase()))
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        paths.push(words(&code[at + "crate::".len()..]));
    }
    for (at, _) in code.match_indices("super::") {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut base: Vec<String> = module.to_vec();
        let mut rest = &code[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        base.extend(words(rest));
        paths.push(base);
    }
    for line in code.lines() {
        let line = line.trim_start();
        let Some(rest) = line.strip_prefix("use ").or_else(|| line.strip_prefix("pub use ")) else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        crates.push(name);
    }
    (paths, crates)
}

/// The macros the crate exports at its root (`#[macro_export] macro_rules! said`), each with
/// the module that defines it: `crate::said!` uses that module (what the macro writes names it).
fn root_macros(files: &[(PathBuf, String)]) -> BTreeMap<String, Vec<String>> {
    let mut macros = BTreeMap::new();
    for (path, text) in files {
        for (at, _) in text.match_indices("#[macro_export]") {
            let Some((_, rest)) = text[at..].split_once("macro_rules!") else { continue };
            let name = rest.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            macros.insert(name, module_of(path));
        }
    }
    macros
}

/// What is wrong with these sources (relative path, text), as one line each.
fn violations(files: &[(PathBuf, String)]) -> Vec<String> {
    let floors: BTreeMap<&str, &[&str]> = FLOORS.iter().copied().collect();
    let macros = root_macros(files);
    let mut problems = Vec::new();
    // Edges between sibling modules, by their parent: parent -> (from, to) -> an example file.
    let mut siblings: BTreeMap<Vec<String>, BTreeMap<(String, String), String>> = BTreeMap::new();
    for (path, text) in files {
        let module = module_of(path);
        let Some(top) = module.first() else { continue };
        let (paths, crates) = references(&module, text);
        for used in &crates {
            if WEB_CRATES.contains(&used.as_str()) && !WEB_ALLOWED.contains(&top.as_str()) {
                problems.push(format!("{}: uses the web crate `{used}`; only {WEB_ALLOWED:?} may", path.display()));
            }
        }
        for target in paths {
            let target = target.first().and_then(|name| macros.get(name)).cloned().unwrap_or(target);
            let Some(target_top) = target.first() else { continue };
            // The crate root's own items (`crate::TEST_HOOKS`) are not a floor.
            if target_top.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
            if target_top != top {
                match floors.get(top.as_str()) {
                    Some(allowed) if allowed.contains(&target_top.as_str()) => {}
                    Some(_) => problems.push(format!(
                        "{}: `{top}` uses `{}`, which is not on a floor below it",
                        path.display(),
                        target.join("::")
                    )),
                    None => {}
                }
            }
            let common = module.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common < module.len() && common < target.len() {
                siblings
                    .entry(module[..common].to_vec())
                    .or_default()
                    .entry((module[common].clone(), target[common].clone()))
                    .or_insert_with(|| path.display().to_string());
            }
        }
    }
    for (parent, edges) in &siblings {
        for cycle in cycles(edges) {
            let how: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} -> {} ({})", w[0], w[1], edges[&(w[0].clone(), w[1].clone())]))
                .collect();
            problems.push(format!("modules under `{}` use each other: {}", parent.join("::"), how.join(", ")));
        }
    }
    problems
}

/// The circles in a directed graph, each as its nodes with the first repeated at the end.
fn cycles(edges: &BTreeMap<(String, String), String>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let next = |n: &String| -> Vec<&String> { edges.keys().filter(|(a, _)| a == n).map(|(_, b)| b).collect() };
    for start in nodes {
        // A path from `start` back to `start`, through nodes after it (each circle once).
        let mut stack: Vec<(Vec<&String>, usize)> = vec![(vec![start], 0)];
        while let Some((path, _)) = stack.pop() {
            let last = *path.last().unwrap();
            for n in next(last) {
                if n == start {
                    let mut cycle: Vec<String> = path.iter().map(|s| s.to_string()).collect();
                    cycle.push(start.clone());
                    out.push(cycle);
                } else if n > start && !path.contains(&n) {
                    let mut longer = path.clone();
                    longer.push(n);
                    stack.push((longer, 0));
                }
            }
        }
    }
    out
}

/// The sources that sit on a floor (the binaries sit above every floor).
fn sources() -> Vec<(PathBuf, String)> {
    rust_sources().into_iter().filter(|(path, _)| !path.starts_with("bin")).collect()
}

#[test]
fn imports_only_point_down_no_web_crate_below_the_worker_and_no_modules_use_each_other() {
    let problems = violations(&sources());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_fails_on_an_engine_file_that_uses_a_lesson_or_a_web_crate_and_on_a_cycle() {
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_string());
    let lesson = violations(&[file("engine/sim/world.rs", "use crate::lessons::LESSONS;\n")]);
    assert!(lesson.iter().any(|p| p.contains("`engine` uses `lessons`")), "{lesson:?}");
    let web = violations(&[file("engine/live/run.rs", "use web_sys::Worker;\n")]);
    assert!(web.iter().any(|p| p.contains("web crate `web_sys`")), "{web:?}");
    let cycle = violations(&[
        file("ui/components/a.rs", "use crate::ui::components::b::B;\n"),
        file("ui/components/b.rs", "fn f() { super::a::g() }\n"),
    ]);
    assert!(cycle.iter().any(|p| p.contains("use each other") && p.contains("a -> b")), "{cycle:?}");
    // The crate's macros are of the module that defines them.
    let said = file("i18n.rs", "#[macro_export]\nmacro_rules! said {\n    () => {};\n}\n");
    let engine = violations(&[said.clone(), file("engine/trace.rs", "fn f() { crate::said!(); }\n")]);
    assert!(engine.iter().any(|p| p.contains("`engine` uses `i18n`")), "{engine:?}");
    // A comment that names a module uses nothing; a child using its parent is no cycle.
    let fine = violations(&[
        said,
        file("engine/sim/mod.rs", "//! Not [`crate::lessons`].\nuse crate::engine::sim::world::Sim;\n"),
        file("compile/body.rs", "use crate::said;\nfn f() { crate::said!(\"a\"); std::mem::take(&mut x); }\n"),
        file("engine/sim/world.rs", "use super::rng::Rng;\n"),
    ]);
    assert!(fine.is_empty(), "{fine:?}");
}
