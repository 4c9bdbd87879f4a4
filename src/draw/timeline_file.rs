//! The timeline as an SVG file: the drawing the page shows of the whole run, with its
//! colours written in, so it looks the same opened on its own or put in a slide.

use super::timeline::layout;
use super::timeline_svg::svg_markup;
use crate::engine::trace::Trace;
use crate::i18n::{Lang, Text};

/// The file's title, read out by screen readers and shown by viewers.
const TITLE: Text = Text {
    en: "Timeline of the run: one lane per thread, the GIL track on top",
    ko: "실행 타임라인: 스레드마다 한 줄, 맨 위는 GIL",
};

/// The page's light colours the file needs, by the name `www/style.css` gives them (a test
/// checks the two agree).
const COLOURS: &[(&str, &str)] = &[
    ("soft", "#f1f5f9"),
    ("softer", "#e2e8f0"),
    ("gil-lane", "#faf5ff"),
    ("ink", "#0f172a"),
    ("muted", "#475569"),
    ("line", "#e2e8f0"),
    ("run", "#0072b2"),
    ("wait-gil", "#e69f00"),
    ("hold-gil", "#cc79a7"),
    ("sleep", "#94a3b8"),
    ("wait", "#d55e00"),
    ("hold", "#009e73"),
    ("starting", "#c4b5fd"),
    ("bad", "#dc2626"),
];

/// The timeline's rules of `www/style.css`, over the colours above.
const RULES: &str = "svg{font:11px system-ui,sans-serif;background:#fff}\
.lane-bg{fill:transparent}.lane:nth-child(odd) .lane-bg{fill:var(--soft)}\
.gil-lane .lane-bg{fill:var(--gil-lane)}.process-lane .lane-bg{fill:var(--softer)}\
.lane text,.tick{fill:var(--muted)}.process-lane text{font-weight:600}.axis{stroke:var(--line)}\
.span.run{fill:var(--run)}.span.wait-gil{fill:var(--wait-gil)}.span.hold-gil{fill:var(--hold-gil)}\
.span.sleep{fill:var(--sleep)}.span.wait{fill:var(--wait)}.span.hold{fill:var(--hold)}\
.span.starting{fill:var(--starting)}.mark.print{fill:var(--ink);opacity:.75}.mark.error{fill:var(--bad)}\
line.message{stroke:var(--ink);stroke-width:1.2;opacity:.55}.arrowhead{fill:var(--ink);opacity:.7}";

/// How wide the file draws the run (its viewBox scales it anywhere).
const WIDTH: f64 = 1200.0;

/// The whole run as a standalone SVG document, its title in `lang`.
pub fn svg_file(trace: &Trace, lang: Lang) -> String {
    let drawing = svg_markup(&layout(trace, WIDTH, None, lang), TITLE.get(lang), "ms");
    let mut style = String::from(":root{");
    for (name, colour) in COLOURS {
        style.push_str(&format!("--{name}:{colour};"));
    }
    style.push('}');
    style.push_str(RULES);
    // The drawing's first element is its `<defs>`: the style goes just before it.
    let head = drawing.find("<defs>").unwrap_or(0);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}<style>{style}</style>{}\n",
        &drawing[..head],
        &drawing[head..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::{ActorId, ProcessId};
    use crate::engine::trace::{ActorInfo, EngineKind, Outcome, Span, SpanKind};

    #[test]
    fn the_file_carries_the_pages_light_colours() {
        let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/style.css")).unwrap();
        let root = &css[css.find(":root {").unwrap()..];
        let root = &root[..root.find('}').unwrap()];
        for (name, colour) in COLOURS {
            let declared = format!("--{name}: {colour};");
            assert!(root.contains(&declared), "www/style.css's :root does not say `{declared}`");
        }
        // Every colour the rules use is written into the file.
        for used in RULES.split("var(--").skip(1) {
            let name = &used[..used.find(')').unwrap()];
            assert!(COLOURS.iter().any(|(n, _)| *n == name), "the file has no colour --{name}");
        }
    }

    #[test]
    fn the_file_is_a_whole_svg_document_with_its_style() {
        let mut trace = Trace::from_recorders(EngineKind::Simulated, vec![], vec![], 10, Outcome::Completed);
        trace.actors = vec![ActorInfo { name: "Thread-1".into(), process: ProcessId(0), pool_thread: None }];
        trace.spans = vec![Span { actor: ActorId(0), kind: SpanKind::Run, start: 0, end: 10, line: 1, count: 1 }];
        let file = svg_file(&trace, Lang::Ko);
        assert!(file.starts_with("<?xml"));
        assert!(file.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
        let style = file.find("<style>").unwrap();
        assert!(file.find("<svg").unwrap() < style && style < file.find("<defs>").unwrap());
        assert!(file.contains("--run:#0072b2;") && file.contains(r#"class="span run""#));
        assert!(file.contains(TITLE.ko) && file.trim_end().ends_with("</svg>"));
    }
}
