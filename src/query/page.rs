//! How the page itself is shown, from the link: embedded in a tutorial (`embed`, with the
//! panels of `view` and the controls of `controls`), its `theme`, loading on a click
//! (`load=click`), and the origins besides the embedding page's that may drive it (`host`).
//! None of these change a run; all round-trip through the link.

use crate::knobs::{echo, KnobKind, KnobSpec, KnobValue};
use crate::query::Note;

/// Light, dark, or as the learner's system prefers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    pub fn word(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_word(word: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.word() == word)
    }
}

/// The controls an embedded lesson shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Controls {
    /// The knobs, and Run, Cancel and Step through.
    #[default]
    Full,
    /// Run and Cancel only.
    Minimal,
    /// Nothing: the host page drives it.
    None,
}

/// The panels of a lesson an embed can show (`view=code,console`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Panel {
    Code,
    Console,
    Timeline,
    Findings,
    Stepper,
    Explore,
}

impl Panel {
    pub const ALL: [Panel; 6] =
        [Panel::Code, Panel::Console, Panel::Timeline, Panel::Findings, Panel::Stepper, Panel::Explore];
    /// What an embed shows unless `view` says otherwise: the run, not the tools around it.
    pub const DEFAULT: [Panel; 4] = [Panel::Code, Panel::Console, Panel::Timeline, Panel::Findings];

    pub fn word(self) -> &'static str {
        match self {
            Panel::Code => "code",
            Panel::Console => "console",
            Panel::Timeline => "timeline",
            Panel::Findings => "findings",
            Panel::Stepper => "stepper",
            Panel::Explore => "explore",
        }
    }
}

/// Origins that may drive an embed besides the page embedding it, at most.
pub const MAX_HOSTS: usize = 8;

const EMBED: KnobSpec = KnobSpec { name: "embed", kind: KnobKind::Choice(&["0", "1"]), default: "0" };
const THEME: KnobSpec = KnobSpec { name: "theme", kind: KnobKind::Choice(&["auto", "light", "dark"]), default: "auto" };
const CONTROLS: KnobSpec =
    KnobSpec { name: "controls", kind: KnobKind::Choice(&["full", "minimal", "none"]), default: "full" };
const LOAD: KnobSpec = KnobSpec { name: "load", kind: KnobKind::Choice(&["now", "click"]), default: "now" };

/// The page's own settings from the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageSettings {
    pub embed: bool,
    pub theme: Theme,
    pub controls: Controls,
    /// The panels an embed shows, in the page's order.
    pub panels: Vec<Panel>,
    /// Whether `view` was given (written back to the link only then).
    view_given: bool,
    /// `load=click`: the page waited for a click before loading, and runs once it is up.
    pub load_on_click: bool,
    /// Origins allowed to drive the page besides the one embedding it (`host=`).
    pub hosts: Vec<String>,
}

impl Default for PageSettings {
    fn default() -> Self {
        PageSettings {
            embed: false,
            theme: Theme::Auto,
            controls: Controls::Full,
            panels: Panel::DEFAULT.to_vec(),
            view_given: false,
            load_on_click: false,
            hosts: Vec::new(),
        }
    }
}

/// A choice from its spec, or its default with the note why.
fn word(spec: &KnobSpec, raw: &str) -> (&'static str, Option<Note>) {
    let (value, error) = spec.parse_or_fix(raw);
    let word = match value {
        KnobValue::Choice(word) => word,
        _ => spec.default,
    };
    (word, error.map(Note::Knob))
}

impl PageSettings {
    /// Whether `name` is one of the page's settings.
    pub fn owns(name: &str) -> bool {
        matches!(name, "embed" | "theme" | "controls" | "view" | "load" | "host")
    }

    /// Sets one from the link; the value used is kept either way, and `Err` says what was
    /// not taken as given.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), Note> {
        let note = match name {
            "embed" => {
                let (w, note) = word(&EMBED, raw);
                self.embed = w == "1";
                note
            }
            "theme" => {
                let (w, note) = word(&THEME, raw);
                self.theme = Theme::from_word(w).unwrap_or_default();
                note
            }
            "controls" => {
                let (w, note) = word(&CONTROLS, raw);
                self.controls = match w {
                    "minimal" => Controls::Minimal,
                    "none" => Controls::None,
                    _ => Controls::Full,
                };
                note
            }
            "load" => {
                let (w, note) = word(&LOAD, raw);
                self.load_on_click = w == "click";
                note
            }
            "view" => self.set_view(raw),
            "host" => self.set_hosts(raw),
            _ => Some(Note::Setting { name: echo(name), given: echo(raw), why: SettingProblem::Unknown }),
        };
        note.map_or(Ok(()), Err)
    }

    /// `view=code,timeline`: the panels named, in the page's order; unknown names are left
    /// out with a note, and none at all keeps the default.
    fn set_view(&mut self, raw: &str) -> Option<Note> {
        let names: Vec<&str> = raw.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
        let unknown = names.iter().any(|name| !Panel::ALL.iter().any(|p| p.word() == *name));
        // In the page's order, each once (without a sort compiled into the page for six).
        let panels: Vec<Panel> = Panel::ALL.into_iter().filter(|p| names.contains(&p.word())).collect();
        let note = (unknown || panels.is_empty()).then(|| Note::Setting {
            name: "view".into(),
            given: echo(raw),
            why: SettingProblem::Panels,
        });
        if !panels.is_empty() {
            self.panels = panels;
            self.view_given = true;
        }
        note
    }

    /// `host=https://a.example,https://b.example:8443`: origins only (a scheme, a host and
    /// maybe a port; no path), at most [`MAX_HOSTS`]; the others are left out with a note.
    fn set_hosts(&mut self, raw: &str) -> Option<Note> {
        let mut hosts = Vec::new();
        let mut bad = false;
        for given in raw.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            match origin(given) {
                Some(origin) if hosts.contains(&origin) => {}
                Some(origin) if hosts.len() < MAX_HOSTS => hosts.push(origin),
                _ => bad = true,
            }
        }
        self.hosts = hosts;
        bad.then(|| Note::Setting { name: "host".into(), given: echo(raw), why: SettingProblem::Origins })
    }

    /// The settings that differ from the defaults, as `name=value` link parts.
    pub fn link_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.embed {
            parts.push("embed=1".to_string());
        }
        if self.view_given {
            parts.push(format!("view={}", self.panels.iter().map(|p| p.word()).collect::<Vec<_>>().join(",")));
        }
        match self.controls {
            Controls::Full => {}
            Controls::Minimal => parts.push("controls=minimal".into()),
            Controls::None => parts.push("controls=none".into()),
        }
        if self.theme != Theme::Auto {
            parts.push(format!("theme={}", self.theme.word()));
        }
        if self.load_on_click {
            parts.push("load=click".into());
        }
        if !self.hosts.is_empty() {
            parts.push(format!("host={}", self.hosts.join(",")));
        }
        parts
    }

    pub fn shows(&self, panel: Panel) -> bool {
        !self.embed || self.panels.contains(&panel)
    }
}

/// What was wrong with a page setting in the link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingProblem {
    Unknown,
    /// `view` named no panel, or ones there are not.
    Panels,
    /// `host` gave something that is not an origin, or too many.
    Origins,
}

/// `https://a.example:8443` as an origin in its usual form (lower case, no default port),
/// or `None` for anything else: a path, credentials, another scheme, an IP v6 address. A
/// check of a narrow form, not a URL parser: anything unusual is refused.
pub fn origin(given: &str) -> Option<String> {
    let given = given.to_ascii_lowercase();
    let (scheme, rest) = given.split_once("://")?;
    let default_port = match scheme {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port.parse::<u16>().ok()?)),
        None => (rest, None),
    };
    let label_ok = |l: &str| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return None;
    }
    Some(match port {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}
