use yew::prelude::*;

use crate::ui::highlight::highlight_line;

#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    pub source: AttrValue,
    /// A line to mark (where the picked console line was printed).
    #[prop_or_default]
    pub marked: Option<u32>,
}

/// The lesson's Python, highlighted, with line numbers.
#[function_component]
pub fn CodeView(props: &CodeViewProps) -> Html {
    html! {
        <pre class="code" id="code"><code>
            { for props.source.lines().enumerate().map(|(i, line)| {
                let number = i as u32 + 1;
                html! {
                    <span class={classes!("line", (props.marked == Some(number)).then_some("marked"))} data-line={number.to_string()}>
                        <span class="ln">{ number }</span>
                        { for highlight_line(line).into_iter().map(|(token, text)| html! { <span class={token.class()}>{ text }</span> }) }
                        { "\n" }
                    </span>
                }
            }) }
        </code></pre>
    }
}
