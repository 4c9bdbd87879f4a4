//! What a tutorial author pastes to embed the lesson as the page shows it now: a plain
//! iframe, or an element that `embed.js` turns into a frame as tall as its content.

use crate::draw::markup::escape;
use crate::query::{PageQuery, Theme};

/// The embed's link: the same lesson and knobs, embedded.
fn embed_link(base: &str, query: &PageQuery) -> String {
    let own = query.full_page_query();
    let rest = own.trim_start_matches('?');
    if rest.is_empty() {
        format!("{base}?embed=1")
    } else {
        format!("{base}?embed=1&{rest}")
    }
}

/// An iframe of the lesson, for `base` (where the page is served, ending in `/`).
pub fn iframe(base: &str, query: &PageQuery, title: &str) -> String {
    format!(
        r#"<iframe src="{}" title="Interleave: {}" allow="cross-origin-isolated" loading="lazy" style="width: 100%; height: 560px; border: 0"></iframe>"#,
        escape(&embed_link(base, query)),
        escape(title)
    )
}

/// An element for `embed.js`, with the lesson's knobs as `data-` attributes, and the script.
pub fn with_script(base: &str, query: &PageQuery) -> String {
    let lesson = query.lesson.map_or("", |lesson| lesson.id);
    // The same settings as the full page's link: the knobs, then the theme if not `auto`.
    let theme = (query.page.theme != Theme::Auto).then(|| ("theme", query.page.theme.word().to_string()));
    let attributes: String = query
        .link_knobs()
        .into_iter()
        .chain(theme)
        .map(|(name, value)| format!(r#" data-{}="{}""#, escape(&name.replace('_', "-")), escape(&value)))
        .collect();
    format!(
        "<div data-interleave=\"{}\"{attributes}></div>\n<script src=\"{}embed.js\" defer></script>",
        escape(lesson),
        escape(base)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippets_carry_the_lesson_and_its_knobs_and_escape_what_they_hold() {
        let query = PageQuery::parse("?lesson=race_counter&threads=3&time_scale=0.5&theme=dark&embed=1&view=code");
        let base = "https://example.org/interleave/";
        let frame = iframe(base, &query, "Race \"condition\"");
        assert!(frame.contains(r#"src="https://example.org/interleave/?embed=1&amp;lesson=race_counter&amp;threads=3&amp;time_scale=0.5&amp;theme=dark""#), "{frame}");
        assert!(frame.contains("Race &quot;condition&quot;"));
        let script = with_script(base, &query);
        assert_eq!(
            script,
            "<div data-interleave=\"race_counter\" data-threads=\"3\" data-time-scale=\"0.5\" data-theme=\"dark\"></div>\n<script src=\"https://example.org/interleave/embed.js\" defer></script>"
        );
        assert!(!with_script("\"><script>", &query).contains("\"><script>embed"));
    }
}
