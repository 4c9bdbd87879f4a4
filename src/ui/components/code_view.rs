use yew::prelude::*;

use crate::ui::highlight::highlight_line;

#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    pub source: AttrValue,
    /// A line to mark (where the picked console line was printed).
    #[prop_or_default]
    pub marked: Option<u32>,
    /// Lines where threads are, each with who is there (the stepper).
    #[prop_or_default]
    pub at: Vec<(u32, String)>,
}

/// The lesson's Python, highlighted, with line numbers.
#[function_component]
pub fn CodeView(props: &CodeViewProps) -> Html {
    html! {
        <pre class="code" id="code" tabindex="0"><code>
            { for props.source.lines().enumerate().map(|(i, line)| {
                let number = i as u32 + 1;
                let here: Vec<&str> = props.at.iter().filter(|(l, _)| *l == number).map(|(_, who)| who.as_str()).collect();
                let marked = props.marked == Some(number) || !here.is_empty();
                html! {
                    <span class={classes!("line", marked.then_some("marked"))} data-line={number.to_string()}>
                        <span class="ln">{ number }</span>
                        { for highlight_line(line).into_iter().map(|(token, text)| html! { <span class={token.class()}>{ text }</span> }) }
                        if !here.is_empty() {
                            <span class="here">{ format!("  ◀ {}", here.join(", ")) }</span>
                        }
                        { "\n" }
                    </span>
                }
            }) }
        </code></pre>
    }
}
