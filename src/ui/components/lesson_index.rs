use yew::prelude::*;

use crate::i18n::Lang;
use crate::lessons::{Group, LessonInfo, CATALOGUE};
use crate::ui::html::with_code;
use crate::ui::words::{self, t, Key};

#[derive(Properties, PartialEq)]
pub struct LessonIndexProps {
    pub lang: Lang,
    pub onopen: Callback<&'static LessonInfo>,
}

/// Every lesson, grouped as the tutorials group them, each with its one-line teaser.
#[function_component]
pub fn LessonIndex(props: &LessonIndexProps) -> Html {
    let lang = props.lang;
    let body = if CATALOGUE.is_empty() {
        html! { <p class="empty">{ t(lang, Key::NoLessonsYet) }</p> }
    } else {
        html! {
            { for Group::ALL.iter().filter(|g| CATALOGUE.iter().copied().any(|l| l.group == **g)).map(|&group| html! {
                <section class="group">
                    <h3>{ words::group_name(lang, group) }</h3>
                    <ul>
                        { for CATALOGUE.iter().copied().filter(|l| l.group == group).map(|lesson| {
                            let onopen = props.onopen.clone();
                            let onclick = Callback::from(move |e: MouseEvent| {
                                e.prevent_default();
                                onopen.emit(lesson)
                            });
                            let href = format!("?lesson={}&lang={}", lesson.id, lang.code());
                            html! {
                                <li>
                                    <a href={href} data-lesson={lesson.id} {onclick}>{ with_code(lesson.title.get(lang)) }</a>
                                    <span class="teaser">{ with_code(lesson.teaser.get(lang)) }</span>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }) }
        }
    };
    html! {
        <section class="lesson-index" id="lesson-index">
            <h2>{ t(lang, Key::LessonsHeading) }</h2>
            { body }
        </section>
    }
}
