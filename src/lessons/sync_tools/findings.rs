//! What a run of `sync_tools` comes to: the error Python raised, if any, and what the
//! primitive did (how many were inside the semaphore at once, how full the buffer got,
//! how close together the waiters went, whether the barrier held), read from the trace.

use crate::engine::trace::{Outcome, SpanKind, Trace};
use crate::i18n::{Lang, Text};
use crate::lessons::Findings;

use super::{Knobs, Primitive};

/// How many held the semaphore (or lock) at once, at most.
fn most_inside(trace: &Trace) -> i64 {
    let holds: Vec<(u64, u64)> =
        trace.spans.iter().filter(|s| matches!(s.kind, SpanKind::Hold(_))).map(|s| (s.start, s.end)).collect();
    holds.iter().map(|&(start, _)| holds.iter().filter(|&&(s, e)| s <= start && start < e).count()).max().unwrap_or(0)
        as i64
}

pub(super) fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let primitive = knobs.primitive;
    let error = trace.errors.first().map(|e| {
        if e.message.is_empty() {
            e.exception.clone()
        } else {
            format!("{}: {}", e.exception, e.message)
        }
    });
    let mut figures = vec![("errors", trace.errors.len() as i64)];
    let mut details = Vec::new();
    if let Some(error) = &error {
        details.push(if ko {
            format!("파이썬이 낸 오류: `{error}`")
        } else {
            format!("Python raised `{error}`.")
        });
    }
    let headline = match (&trace.outcome, primitive) {
        (Outcome::Deadlock { .. }, _) => {
            details.push(
                Text {
                    en: "A plain `Lock` does not know who holds it: when its owner asks for it again, it waits for \
                         itself, for ever. An `RLock` counts its owner's acquires and lets it in.",
                    ko: "평범한 `Lock`은 누가 자신을 쥐고 있는지 모릅니다. 소유자가 다시 요청하면 자기 자신을 영원히 \
                         기다립니다. `RLock`은 소유자가 얻은 횟수를 세어 다시 들여보냅니다.",
                }
                .get(lang)
                .into(),
            );
            if ko {
                "멈춤: 스레드가 자신이 쥔 락을 기다립니다.".into()
            } else {
                "Hung: a thread waits for the lock it holds itself.".into()
            }
        }
        (Outcome::Stuck { waiting }, _) => {
            figures.push(("stuck", waiting.len() as i64));
            details.push(
                Text {
                    en: "Nobody set the event, so its waiters can never go: the watchdog ended the run.",
                    ko: "아무도 이벤트를 설정하지 않아 대기자들이 영원히 갈 수 없습니다. 감시자가 실행을 끝냈습니다.",
                }
                .get(lang)
                .into(),
            );
            if ko {
                format!("멈춤: 스레드 {}개가 일어나지 않을 일을 기다립니다.", waiting.len())
            } else {
                format!("Stuck: {} threads wait for something that will never happen.", waiting.len())
            }
        }
        (Outcome::Completed, Primitive::RLock) => {
            if ko {
                "모든 스레드가 `RLock`을 두 번 얻고 두 번 놓았습니다.".into()
            } else {
                "Every thread took the `RLock` twice and let go twice.".into()
            }
        }
        (Outcome::Completed, Primitive::Semaphore) => {
            let most = most_inside(trace);
            let permits = knobs.permits;
            figures.push(("most_inside", most));
            if ko {
                format!("한 번에 최대 {most}개 스레드가 안에 있었습니다(허용 {permits}).")
            } else {
                format!("At most {most} threads were inside at once (permits: {permits}).")
            }
        }
        (Outcome::Completed, Primitive::Condition) => {
            let counts: Vec<i64> = trace
                .console
                .iter()
                .filter_map(|w| w.text.split('(').nth(1)?.split(' ').next()?.parse().ok())
                .collect();
            let (low, high) = (counts.iter().copied().min().unwrap_or(0), counts.iter().copied().max().unwrap_or(0));
            let capacity = knobs.capacity;
            figures.push(("lowest", low));
            figures.push(("highest", high));
            if ko {
                format!("버퍼에는 언제나 {low}~{high}개가 있었습니다(용량 {capacity}).")
            } else {
                format!("The buffer always held between {low} and {high} items (capacity {capacity}).")
            }
        }
        (Outcome::Completed, Primitive::Event) => {
            let set_at = trace.console.iter().find(|w| w.text.starts_with("main sets")).map_or(0, |w| w.at);
            let gone: Vec<u64> = trace.console.iter().filter(|w| w.text.ends_with(" goes\n")).map(|w| w.at).collect();
            let spread = gone.iter().max().unwrap_or(&0).saturating_sub(*gone.iter().min().unwrap_or(&0));
            figures.push(("went", gone.len() as i64));
            figures.push(("went_before_set", gone.iter().filter(|&&t| t < set_at).count() as i64));
            let ms = spread as f64 / 1e6;
            if ko {
                format!("대기자 {}명이 모두 `set()` 뒤에 {ms:.2} ms 안에 함께 출발했습니다.", gone.len())
            } else {
                format!("All {} waiters went after `set()`, within {ms:.2} ms of each other.", gone.len())
            }
        }
        (Outcome::Completed, Primitive::Barrier) => {
            let arrivals: Vec<u64> =
                trace.console.iter().filter(|w| w.text.ends_with(" arrives\n")).map(|w| w.at).collect();
            let leaves: Vec<u64> =
                trace.console.iter().filter(|w| w.text.ends_with(" leaves\n")).map(|w| w.at).collect();
            let last_arrival = arrivals.iter().copied().max().unwrap_or(0);
            let early = leaves.iter().filter(|&&t| t < last_arrival).count() as i64;
            figures.push(("left_early", early));
            figures.push(("left", leaves.len() as i64));
            match (error.is_some(), ko, leaves.len()) {
                (true, false, left) => format!("The barrier was broken: {left} of its parties left through it."),
                (true, true, left) => format!("배리어가 깨졌습니다. {left}명만 통과했습니다."),
                // A barrier of one: its party passes as it arrives (too soon for any abort).
                (false, false, 1) => "The one party passed as it arrived: a `Barrier(1)` waits for no one.".into(),
                (false, true, 1) => {
                    "참가자가 하나뿐이라 도착하자마자 통과했습니다. `Barrier(1)`은 아무도 기다리지 않습니다.".into()
                }
                (false, false, left) => format!("All {left} parties left together, after the last one arrived."),
                (false, true, left) => format!("{left}명이 모두 마지막 도착 뒤에 함께 떠났습니다."),
            }
        }
        _ => {
            if ko {
                "실행이 끝나지 않았습니다.".into()
            } else {
                "The run did not finish.".into()
            }
        }
    };
    Findings { headline, details, figures }
}
