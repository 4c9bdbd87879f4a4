//! Lesson 4, `dining_philosophers`: N philosophers round a table, a fork between each two.
//!
//! Each philosopher thinks, takes one fork, waits `gap_ms`, takes the other, eats, and puts
//! both down, until `duration_s` has passed. The strategy decides how the forks are taken:
//! `naive` (left, then right: everyone can hold a left fork and wait for ever), `ordered`
//! (the lower-numbered fork first, which breaks the cycle), `waiter` (a Semaphore admits
//! all but one to the table) and `trylock` (take the second fork only if it is free, else
//! put the first back and think again). The findings count meals from the console and name
//! the deadlock's cycle when there is one.

use crate::engine::program::{Cond, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Program, Reg, TextPart, Wait};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{joins, main_process, main_thread, starts, thread};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "philosophers", kind: KnobKind::Int { min: 2, max: 12 }, default: "5" },
    KnobSpec { name: "strategy", kind: KnobKind::Choice(&["naive", "ordered", "waiter", "trylock"]), default: "naive" },
    KnobSpec { name: "think_ms", kind: KnobKind::Int { min: 0, max: 1000 }, default: "10" },
    KnobSpec { name: "eat_ms", kind: KnobKind::Int { min: 0, max: 1000 }, default: "10" },
    KnobSpec { name: "gap_ms", kind: KnobKind::Int { min: 0, max: 1000 }, default: "10" },
    KnobSpec { name: "duration_s", kind: KnobKind::Int { min: 1, max: 30 }, default: "2" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "dining_philosophers",
    group: Group::Synchronisation,
    title: Text { en: "Deadlock: the dining philosophers", ko: "교착 상태: 식사하는 철학자들" },
    teaser: Text {
        en: "Five philosophers, five forks: watch them all freeze, and four ways to keep them eating.",
        ko: "철학자 다섯, 포크 다섯. 모두가 멈춰 버리는 모습과 계속 먹게 하는 네 가지 방법을 보세요.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "time_scale", "cores", "seed"],
    shows: crate::lessons::shows_with::<DiningPhilosophers>,
    breaks: Some("deadlock"),
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "A philosopher needs both neighbouring forks to eat. If every philosopher picks up the left fork \
             at the same moment, each waits for a right fork that the neighbour holds and will never put down: \
             a deadlock, a cycle of threads each waiting for the next. Taking the forks in a fixed global order, \
             letting only N-1 sit down, or giving the first fork back when the second is taken all break the \
             cycle; they differ in how fairly the meals are shared.",
        ko: "철학자는 양옆의 포크 두 개를 모두 들어야 먹을 수 있습니다. 모든 철학자가 같은 순간에 왼쪽 포크를 들면, \
             각자 이웃이 쥐고 절대 내려놓지 않을 오른쪽 포크를 기다리게 됩니다. 이것이 교착 상태, 즉 스레드들이 \
             서로 다음 스레드를 기다리는 순환입니다. 포크를 정해진 순서로 집거나, N-1명만 앉게 하거나, 두 번째 \
             포크가 없으면 첫 번째를 돌려놓으면 순환이 끊어집니다. 방법마다 식사가 얼마나 공평하게 나뉘는지가 \
             다릅니다.",
    },
    seed_changes: Text {
        en: "How many meals each philosopher gets, and when the `naive` table freezes: with `gap_ms`, `think_ms` \
             and `eat_ms` all 0, after a few meals in one run and hundreds in another.",
        ko: "철학자마다 몇 번 먹는지, 그리고 `naive` 식탁이 언제 멈추는지가 달라집니다. `gap_ms`, `think_ms`, \
             `eat_ms`가 모두 0이면 어떤 실행은 몇 번 먹고, 어떤 실행은 수백 번 먹고 나서 멈춥니다.",
    },
    knobs: &[
        KnobWords {
            name: "philosophers",
            label: Text { en: "Philosophers", ko: "철학자 수" },
            help: Text {
                en: "How many philosophers sit round the table: one thread each, and as many forks, one between each \
                     two neighbours.",
                ko: "식탁에 앉는 철학자의 수입니다. 철학자마다 스레드가 하나이고, 이웃 사이마다 포크가 하나씩 같은 \
                     수만큼 놓입니다.",
            },
        },
        KnobWords {
            name: "strategy",
            label: Text { en: "Fork strategy", ko: "포크 집는 방법" },
            help: Text {
                en: "`naive`: left fork, then right; `ordered`: the lower-numbered fork first; `waiter`: a \
                     `Semaphore` seats all but one; `trylock`: if the second fork is taken, put the first back.",
                ko: "`naive`는 왼쪽 포크 다음 오른쪽을 집습니다. `ordered`는 번호가 작은 포크부터, `waiter`는 \
                     `Semaphore`로 한 명을 뺀 나머지만 앉히며, `trylock`은 두 번째 포크가 없으면 첫 번째를 \
                     내려놓습니다.",
            },
        },
        KnobWords {
            name: "think_ms",
            label: Text { en: "Thinking time (ms)", ko: "생각하는 시간(ms)" },
            help: Text {
                en: "Milliseconds a philosopher sleeps (`THINK`) before reaching for the forks, every round.",
                ko: "철학자가 매번 포크를 집으러 가기 전에 자는 시간(`THINK`)으로, 밀리초 단위입니다.",
            },
        },
        KnobWords {
            name: "eat_ms",
            label: Text { en: "Eating time (ms)", ko: "먹는 시간(ms)" },
            help: Text {
                en: "Milliseconds a philosopher eats (`EAT`, a `sleep`) while holding both forks, before putting \
                     them down.",
                ko: "철학자가 포크 두 개를 쥔 채 먹는 시간(`EAT`, 실제로는 `sleep`)으로, 밀리초 단위입니다. 그 뒤에 \
                     포크를 내려놓습니다.",
            },
        },
        KnobWords {
            name: "gap_ms",
            label: Text { en: "Gap between forks (ms)", ko: "포크 사이 간격(ms)" },
            help: Text {
                en: "Milliseconds between taking the first fork and reaching for the second (`GAP`). The longer, the \
                     likelier all hold one fork at once: with `naive`, a deadlock.",
                ko: "첫 번째 포크를 집고 두 번째 포크를 집으러 가기까지의 시간(`GAP`, 밀리초)입니다. 길수록 모두가 \
                     포크를 하나씩 쥔 순간이 오기 쉽고, `naive`에서는 교착 상태가 됩니다.",
            },
        },
        KnobWords {
            name: "duration_s",
            label: Text { en: "Dinner length (s)", ko: "저녁 식사 길이(초)" },
            help: Text {
                en: "Seconds after the start when the philosophers stop taking new rounds and print their meals \
                     (`stop_at`). A deadlocked table never gets there.",
                ko: "시작하고 이만큼의 초가 지나면 철학자들은 새로 먹으려 하지 않고 먹은 횟수를 \
                     출력합니다(`stop_at`). 교착에 빠진 식탁은 거기까지 가지 못합니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<DiningPhilosophers>(&INFO, &WORDS);

/// How a philosopher takes the forks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Left, then right: everyone can hold a left fork and wait for ever.
    Naive,
    /// The lower-numbered fork first, which breaks the cycle.
    Ordered,
    /// A Semaphore admits all but one to the table.
    Waiter,
    /// The second fork only if it is free, else the first goes back.
    TryLock,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub philosophers: u16,
    pub strategy: Strategy,
    pub think_ms: u16,
    pub eat_ms: u16,
    /// Between taking the first fork and the second.
    pub gap_ms: u16,
    pub duration_s: u8,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            philosophers: values.whole("philosophers")? as u16,
            strategy: values.word(
                "strategy",
                &[
                    ("naive", Strategy::Naive),
                    ("ordered", Strategy::Ordered),
                    ("waiter", Strategy::Waiter),
                    ("trylock", Strategy::TryLock),
                ],
            )?,
            think_ms: values.whole("think_ms")? as u16,
            eat_ms: values.whole("eat_ms")? as u16,
            gap_ms: values.whole("gap_ms")? as u16,
            duration_s: values.whole("duration_s")? as u8,
        })
    }
}

struct DiningPhilosophers;

impl Teach for DiningPhilosophers {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, _common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, trace, lang)
    }
}

/// The forks are objects 0 to n - 1, as the program makes them; the waiter (only in the
/// `waiter` strategy) comes after them.
fn fork(i: u16) -> ObjectId {
    ObjectId(i)
}

fn waiter(n: u16) -> ObjectId {
    ObjectId(n)
}

/// The philosopher's one local, then the scratch register the loop's clock reading and the
/// non-blocking acquire's answer use in turn, as the compiler lays them out.
const MEALS: Reg = Reg(0);
/// `time.monotonic()`, in microseconds since the run began.
const NOW: Reg = Reg(1);
const GOT: Reg = Reg(1);

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { philosophers: n, strategy, think_ms, eat_ms, gap_ms, duration_s } = *knobs;
    let (think, eat, gap) = (u64::from(think_ms), u64::from(eat_ms), u64::from(gap_ms));
    let duration = u64::from(duration_s);
    let seconds = |ms: u64| format!("{}", ms as f64 / 1000.0);

    let mut src = Source::new();
    src.line(0, "import threading");
    src.line(0, "import time");
    src.blank();
    src.line(0, &format!("PHILOSOPHERS = {n}"));
    src.line(0, &format!("THINK, EAT, GAP = {}, {}, {}  # seconds", seconds(think), seconds(eat), seconds(gap)));
    src.line(0, "forks = [threading.Lock() for _ in range(PHILOSOPHERS)]");
    if strategy == Strategy::Waiter {
        src.line(0, "waiter = threading.Semaphore(PHILOSOPHERS - 1)  # seats all but one");
    }
    src.blank();
    src.blank();
    src.line(0, "def philosopher(i, stop_at):");
    src.line(1, "left, right = i, (i + 1) % PHILOSOPHERS");
    if strategy == Strategy::Ordered {
        src.line(1, "first, second = min(left, right), max(left, right)  # one global order");
    } else {
        src.line(1, "first, second = left, right");
    }
    let meals_line = src.line(1, "meals = 0");
    let while_line = src.line(1, "while time.monotonic() < stop_at:");
    let think_line = src.line(2, "time.sleep(THINK)");
    let mut depth = 2;
    let waiter_line = (strategy == Strategy::Waiter).then(|| {
        depth = 3;
        src.line(2, "with waiter:")
    });
    let first_line = src.line(depth, "forks[first].acquire()");
    let gap_line = src.line(depth, "time.sleep(GAP)");
    let (second_line, back_off) = if strategy == Strategy::TryLock {
        let second = src.line(depth, "if not forks[second].acquire(blocking=False):");
        let give_back = src.line(depth + 1, "forks[first].release()  # put it back, think again");
        let again = src.line(depth + 1, "continue");
        (second, Some((give_back, again)))
    } else {
        (src.line(depth, "forks[second].acquire()"), None)
    };
    let meal_line = src.line(depth, "meals += 1");
    let print_line = src.line(depth, "print(f\"philosopher {i} eats (meal {meals})\")");
    let eat_line = src.line(depth, "time.sleep(EAT)");
    let put_second = src.line(depth, "forks[second].release()");
    let put_first = src.line(depth, "forks[first].release()");
    let done_line = src.line(1, "print(f\"philosopher {i} ate {meals} meals\")");
    src.blank();
    src.blank();
    let stop_line = src.line(0, &format!("stop_at = time.monotonic() + {duration}"));
    src.line(0, "threads = [threading.Thread(target=philosopher, args=(i, stop_at)) for i in range(PHILOSOPHERS)]");
    src.line(0, "for t in threads:");
    let start_line = src.line(1, "t.start()");
    src.line(0, "for t in threads:");
    let join_line = src.line(1, "t.join()");

    let stop_at = (duration * 1_000_000) as i64;
    let philosopher = |i: u16| -> Vec<Op> {
        let (left, right) = (i, (i + 1) % n);
        let (first, second) =
            if strategy == Strategy::Ordered { (left.min(right), left.max(right)) } else { (left, right) };
        let (first, second) = (fork(first), fork(second));
        let mut ops =
            vec![meals_line.op(OpKind::Set { reg: MEALS, value: 0 }), while_line.op(OpKind::Clock { reg: NOW })];
        let top = 1;
        // `while` goes on to the body while there is time left, else to the last print.
        ops.push(while_line.op(OpKind::JumpIf { cond: Cond::Lt(NOW, stop_at), to: ops.len() + 2 }));
        let exit_jump = ops.len();
        ops.push(while_line.op(OpKind::Jump { to: usize::MAX }));
        ops.push(think_line.op(OpKind::Sleep { micros: think * 1000 }));
        if let Some(line) = waiter_line {
            ops.push(line.op(OpKind::Acquire { object: waiter(n), wait: Wait::Forever, result: None }));
        }
        ops.push(first_line.op(OpKind::Acquire { object: first, wait: Wait::Forever, result: None }));
        ops.push(gap_line.op(OpKind::Sleep { micros: gap * 1000 }));
        match back_off {
            Some((give_back, again)) => {
                ops.push(second_line.op(OpKind::Acquire { object: second, wait: Wait::NoWait, result: Some(GOT) }));
                ops.push(second_line.op(OpKind::JumpIf { cond: Cond::Ne(GOT, 0), to: ops.len() + 3 }));
                ops.push(give_back.op(OpKind::Release { object: first }));
                ops.push(again.op(OpKind::Jump { to: top }));
            }
            None => ops.push(second_line.op(OpKind::Acquire { object: second, wait: Wait::Forever, result: None })),
        }
        ops.push(meal_line.op(OpKind::Add { reg: MEALS, value: 1 }));
        ops.push(print_line.op(OpKind::Print {
            text: vec![
                TextPart::Lit(format!("philosopher {i} eats (meal ")),
                TextPart::Reg(MEALS),
                TextPart::Lit(")".into()),
            ],
        }));
        ops.push(eat_line.op(OpKind::Sleep { micros: eat * 1000 }));
        ops.push(put_second.op(OpKind::Release { object: second }));
        ops.push(put_first.op(OpKind::Release { object: first }));
        if let Some(line) = waiter_line {
            ops.push(line.op(OpKind::Release { object: waiter(n) }));
        }
        ops.push(while_line.op(OpKind::Jump { to: top }));
        let end = ops.len();
        ops[exit_jump].kind = OpKind::Jump { to: end };
        ops.push(done_line.op(OpKind::Print {
            text: vec![
                TextPart::Lit(format!("philosopher {i} ate ")),
                TextPart::Reg(MEALS),
                TextPart::Lit(" meals".into()),
            ],
        }));
        ops
    };

    let mut main_ops = vec![stop_line.op(OpKind::Call)];
    main_ops.extend(starts(n, start_line));
    main_ops.extend(joins(n, join_line));
    let mut actors = vec![main_thread(main_ops)];
    actors.extend((0..n).map(|i| thread(format!("Thread-{} (philosopher)", i + 1), philosopher(i))));
    let mut objects: Vec<ObjectDef> =
        (0..n).map(|i| ObjectDef { name: format!("forks[{i}]"), kind: ObjectKind::Lock }).collect();
    if strategy == Strategy::Waiter {
        objects.push(ObjectDef {
            name: "waiter".into(),
            kind: ObjectKind::Semaphore { permits: n as u32 - 1, bounded: false },
        });
    }
    let program =
        Program { source: src.finish(), processes: vec![main_process()], actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// Meals each philosopher ate in a run, counted from the lines they printed.
pub fn meals(knobs: &Knobs, trace: &Trace) -> Vec<i64> {
    let n = knobs.philosophers as usize;
    let mut meals = vec![0; n];
    for write in &trace.console {
        let philosopher = write.actor.0 as usize;
        if (1..=n).contains(&philosopher) && write.text.contains(" eats (meal ") {
            meals[philosopher - 1] += 1;
        }
    }
    meals
}

fn findings(knobs: &Knobs, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let meals = meals(knobs, trace);
    let total: i64 = meals.iter().sum();
    let fewest = meals.iter().copied().min().unwrap_or(0);
    let most = meals.iter().copied().max().unwrap_or(0);
    let starved: Vec<String> = meals.iter().enumerate().filter(|(_, m)| **m == 0).map(|(i, _)| i.to_string()).collect();
    let meal_list = meals.iter().enumerate().map(|(i, m)| format!("{i}: {m}")).collect::<Vec<_>>().join(", ");

    let mut details = Vec::new();
    let headline = match &trace.outcome {
        Outcome::Deadlock { cycle } => {
            // The cycle itself is drawn by the run view (and printed by the CLI).
            details.push(
                Text {
                    en: "Each holds the fork the next one needs and waits for the fork the next one holds, round the \
                         whole table, so nobody can ever eat again. Try `strategy=ordered`, `waiter` or \
                         `trylock`.",
                    ko: "각자 다음 사람에게 필요한 포크를 쥔 채 다음 사람이 쥔 포크를 기다리며 식탁을 한 바퀴 돕니다. \
                         그래서 아무도 다시는 먹을 수 없습니다. `strategy=ordered`, `waiter`, `trylock`을 시도해 \
                         보세요.",
                }
                .get(lang)
                .to_string(),
            );
            if ko {
                format!(
                    "교착 상태: 철학자 {}명이 순환을 이루며 서로를 기다립니다(그 전에 {total}번 먹었습니다).",
                    cycle.len()
                )
            } else {
                format!(
                    "Deadlock: {} philosophers wait for each other in a cycle ({total} meals were eaten before).",
                    cycle.len()
                )
            }
        }
        Outcome::Completed => {
            details.push(if ko {
                format!("철학자별 식사: {meal_list}.")
            } else {
                format!("Meals per philosopher: {meal_list}.")
            });
            let why = match knobs.strategy {
                Strategy::Ordered => Text {
                    en: "Everyone takes the lower-numbered fork first, so the last philosopher reaches for \
                         `forks[0]` before `forks[N-1]`: a cycle of waits cannot close.",
                    ko: "모두 번호가 작은 포크를 먼저 집기 때문에 마지막 철학자는 `forks[N-1]`보다 `forks[0]`을 \
                         먼저 집으려 합니다. 기다림의 순환이 닫힐 수 없습니다.",
                },
                Strategy::Waiter => Text {
                    en: "The waiter seats at most N-1 philosophers, so at least one of them can always get both forks.",
                    ko: "웨이터가 최대 N-1명만 앉히므로 적어도 한 명은 언제나 포크 두 개를 모두 얻을 수 있습니다.",
                },
                Strategy::TryLock => Text {
                    en: "Nobody waits while holding a fork: a philosopher who cannot get the second fork puts the \
                         first back. No deadlock, but time is lost to backing off, and unlucky ones may eat less.",
                    ko: "포크를 쥔 채 기다리는 사람이 없습니다. 두 번째 포크를 못 얻으면 첫 번째를 내려놓습니다. \
                         교착은 없지만 물러서느라 시간이 들고, 운 나쁜 철학자는 덜 먹을 수 있습니다.",
                },
                Strategy::Naive => Text {
                    en: "This time the philosophers never all held their left fork at once, so the cycle never \
                         closed: the `naive` table is not safe, only lucky. Raise `gap_ms` to see it freeze.",
                    ko: "이번에는 모든 철학자가 동시에 왼쪽 포크를 쥔 적이 없어서 순환이 닫히지 않았습니다. `naive` \
                         식탁은 안전한 것이 아니라 운이 좋았을 뿐입니다. `gap_ms`를 늘리면 멈추는 것을 볼 수 \
                         있습니다.",
                },
            };
            details.push(why.get(lang).to_string());
            match (starved.is_empty(), ko) {
                (true, false) => format!("No deadlock: {total} meals, between {fewest} and {most} each."),
                (true, true) => format!("교착 없음: 모두 {total}번, 한 사람당 {fewest}~{most}번 먹었습니다."),
                (false, false) => {
                    format!("No deadlock, but philosopher {} starved: {total} meals in all.", starved.join(", "))
                }
                (false, true) => {
                    format!("교착은 없지만 철학자 {}는 굶었습니다. 모두 {total}번 먹었습니다.", starved.join(", "))
                }
            }
        }
        _ => {
            details.push(if ko {
                format!("철학자별 식사: {meal_list}.")
            } else {
                format!("Meals per philosopher: {meal_list}.")
            });
            if ko {
                format!("실행이 끝나지 않았습니다({total}번 먹은 뒤).")
            } else {
                format!("The run did not finish ({total} meals by then).")
            }
        }
    };
    let deadlocked = matches!(trace.outcome, Outcome::Deadlock { .. }) as i64;
    let mut figures = vec![("deadlock", deadlocked), ("meals", total), ("fewest", fewest), ("most", most)];
    figures.extend(meals.iter().take(PER_PHILOSOPHER.len()).enumerate().map(|(i, m)| (PER_PHILOSOPHER[i], *m)));
    Findings { headline, details, figures }
}

/// Figure names for each philosopher's meals.
const PER_PHILOSOPHER: [&str; 12] = [
    "meals_0", "meals_1", "meals_2", "meals_3", "meals_4", "meals_5", "meals_6", "meals_7", "meals_8", "meals_9",
    "meals_10", "meals_11",
];

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lessons::source::line_text;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    #[test]
    fn every_strategy_builds_and_each_operation_points_at_its_line() {
        for strategy in ["naive", "ordered", "waiter", "trylock"] {
            let b = built(&[("strategy", strategy), ("philosophers", "3")]);
            b.program.validate().unwrap();
            for op in &b.program.actors[1].ops {
                let text = line_text(&b.program.source, op.line).trim();
                let fits = match &op.kind {
                    OpKind::Acquire { object, .. } | OpKind::Release { object } if *object == waiter(3) => {
                        text == "with waiter:"
                    }
                    OpKind::Acquire { .. } => {
                        text.starts_with("forks[first].acquire") || text.contains("forks[second].acquire")
                    }
                    OpKind::Release { .. } => text.starts_with("forks[") && text.contains(".release()"),
                    OpKind::Sleep { .. } => text.starts_with("time.sleep("),
                    OpKind::Print { .. } => text.starts_with("print("),
                    OpKind::Add { .. } => text == "meals += 1",
                    OpKind::Set { .. } => text == "meals = 0",
                    OpKind::Clock { .. } | OpKind::Arith { .. } => text.starts_with("while "),
                    OpKind::Jump { .. } | OpKind::JumpIf { .. } => {
                        text.starts_with("while ") || text == "continue" || text.starts_with("if not")
                    }
                    other => panic!("unexpected {other:?}"),
                };
                assert!(fits, "{strategy}: {:?} at {text:?}", op.kind);
            }
        }
    }

    #[test]
    fn the_ordered_strategy_changes_only_the_last_philosophers_order() {
        let b = built(&[("strategy", "ordered"), ("philosophers", "4")]);
        let first_fork = |actor: usize| {
            b.program.actors[actor].ops.iter().find_map(|o| match o.kind {
                OpKind::Acquire { object, .. } => Some(object),
                _ => None,
            })
        };
        assert_eq!(first_fork(1), Some(fork(0)));
        assert_eq!(first_fork(3), Some(fork(2)));
        // Philosopher 3 sits between forks 3 and 0, and takes 0 first.
        assert_eq!(first_fork(4), Some(fork(0)));
    }

    #[test]
    fn the_generated_python_runs_in_cpython_for_the_strategies_that_end() {
        for strategy in ["ordered", "waiter", "trylock"] {
            let b = built(&[("strategy", strategy), ("philosophers", "3"), ("duration_s", "1")]);
            let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                Some(out) => out,
                None => return,
            };
            assert!(out.status.success(), "{strategy}: {}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).unwrap();
            for i in 0..3 {
                assert!(text.contains(&format!("philosopher {i} ate ")), "{strategy}: {text}");
            }
        }
    }
}
