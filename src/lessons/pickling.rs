//! Lesson `pickling`: what a start method sends a child, and Python's error when it cannot.
//!
//! `main()` starts one process whose target is a module-level function, a `lambda` or a
//! function defined inside `main()`, with a number, a `threading.Lock` or a
//! `multiprocessing.Lock` as its argument. `fork` copies the parent and pickles nothing, so
//! every variant runs; `spawn` and `forkserver` pickle the target and its arguments for the
//! new interpreter, and `p.start()` raises in the parent what `pickle` refuses, as each
//! CPython version words it (`engine::python::pickling`).

use crate::engine::program::{Op, OpKind, Program, TextPart, Unpicklable, Wait};
use crate::engine::python::pickling;
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues};
use crate::lessons::parts::{
    add_child, import_multiprocessing, main_process, main_thread, not_finished, set_start_method,
};
use crate::lessons::source::Source;
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "target", kind: KnobKind::Choice(&["function", "lambda", "nested"]), default: "lambda" },
    KnobSpec { name: "arg", kind: KnobKind::Choice(&["number", "thread_lock", "mp_lock"]), default: "number" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "pickling",
    group: Group::Modern,
    title: Text { en: "Start methods and pickling", ko: "시작 방식과 직렬화" },
    teaser: Text {
        en: "`fork` copies the parent; `spawn` and `forkserver` pickle the target, and a `lambda` or a \
             `threading.Lock` cannot be pickled.",
        ko: "`fork`는 부모를 복사하지만 `spawn`과 `forkserver`는 대상을 직렬화하며, `lambda`나 `threading.Lock`은 \
             직렬화할 수 없습니다.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "python", "start_method", "cores", "seed"],
    shows: crate::lessons::shows_with::<Pickling>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "A child process needs its target function and arguments. Under `fork` it gets them for free: the \
             child is a copy of the parent's memory. Under `spawn` and `forkserver` the child is a fresh \
             interpreter, so the parent pickles the target and arguments and sends them; `pickle` stores a \
             function by its module and name, so a `lambda` or a function defined inside another cannot be \
             found again, and a `threading.Lock` cannot be pickled at all. Python 3.14 made `forkserver` the \
             default on Linux, so code that passed a `lambda` to a process worked on 3.13 and fails on 3.14.",
        ko: "자식 프로세스에는 대상 함수와 인자가 필요합니다. `fork`에서는 거저 얻습니다. 자식이 부모 메모리의 \
             복사본이기 때문입니다. `spawn`과 `forkserver`에서 자식은 새 인터프리터이므로, 부모가 대상과 인자를 \
             직렬화해서 보냅니다. `pickle`은 함수를 모듈과 이름으로 저장하므로 `lambda`나 다른 함수 안에서 정의한 \
             함수는 다시 찾을 수 없고, `threading.Lock`은 아예 직렬화할 수 없습니다. 파이썬 3.14는 리눅스의 \
             기본값을 `forkserver`로 바꾸었으므로, 프로세스에 `lambda`를 넘기던 코드가 3.13에서는 돌고 3.14에서는 \
             실패합니다.",
    },
    seed_changes: Text {
        en: "Only the timings of the start and the child's line: whether `p.start()` raises is decided by the \
             start method and what it pickles.",
        ko: "시작과 자식이 쓰는 줄의 시각만 달라집니다. `p.start()`가 예외를 일으키는지는 시작 방식과 직렬화하는 \
             것이 정합니다.",
    },
    knobs: &[
        KnobWords {
            name: "target",
            label: Text { en: "The process's target", ko: "프로세스의 대상" },
            help: Text {
                en: "`function`: `greet`, defined at module level; `lambda`: `lambda: greet(...)` written in \
                     `main()`; `nested`: a `def work()` inside `main()`.",
                ko: "`function`은 모듈에 정의한 `greet`, `lambda`는 `main()` 안에서 쓴 `lambda: greet(...)`, \
                     `nested`는 `main()` 안의 `def work()`입니다.",
            },
        },
        KnobWords {
            name: "arg",
            label: Text { en: "The argument", ko: "넘기는 인자" },
            help: Text {
                en: "What the child gets: `number` a plain `1`; `thread_lock` a `threading.Lock()`, which cannot \
                     be pickled; `mp_lock` a `multiprocessing.Lock()`, made to be sent to children.",
                ko: "자식이 받는 것입니다. `number`는 그냥 `1`, `thread_lock`은 직렬화할 수 없는 \
                     `threading.Lock()`, `mp_lock`은 자식에게 보내도록 만든 `multiprocessing.Lock()`입니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<Pickling>(&INFO, &WORDS);

/// The process's target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Function,
    Lambda,
    Nested,
}

/// What the child is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    Number,
    ThreadLock,
    MpLock,
}

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub target: Target,
    pub arg: Arg,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            target: values.word(
                "target",
                &[("function", Target::Function), ("lambda", Target::Lambda), ("nested", Target::Nested)],
            )?,
            arg: values
                .word("arg", &[("number", Arg::Number), ("thread_lock", Arg::ThreadLock), ("mp_lock", Arg::MpLock)])?,
        })
    }
}

struct Pickling;

impl Teach for Pickling {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

impl Knobs {
    /// What `pickle` refuses of this target and argument, the target first (as `Process`'s
    /// state pickles `_target` before `_args`).
    pub fn unpicklable(self) -> Option<Unpicklable> {
        match (self.target, self.arg) {
            (Target::Lambda, _) => Some(Unpicklable::LocalLambda),
            (Target::Nested, _) => Some(Unpicklable::LocalFunction),
            (Target::Function, Arg::ThreadLock) => Some(Unpicklable::ThreadLock),
            (Target::Function, _) => None,
        }
    }

    /// `type(x).__name__` of what the child gets.
    fn type_name(self) -> &'static str {
        match self.arg {
            Arg::Number => "int",
            Arg::ThreadLock => "lock",
            Arg::MpLock => "Lock",
        }
    }
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let mut src = Source::new();
    if knobs.arg == Arg::ThreadLock {
        src.line(0, "import threading");
    }
    let names = if knobs.arg == Arg::MpLock { "Lock, Process" } else { "Process" };
    import_multiprocessing(&mut src, common, names);
    src.blank();
    src.blank();
    src.line(0, "def greet(x):");
    let child_print = src.line(1, "print(f\"child got {type(x).__name__}\")");
    src.blank();
    src.blank();
    src.line(0, "def main():");
    set_start_method(&mut src, common);
    let value = match knobs.arg {
        Arg::Number => "1",
        Arg::ThreadLock => {
            src.line(1, "lock = threading.Lock()");
            "lock"
        }
        Arg::MpLock => {
            src.line(1, "lock = Lock()");
            "lock"
        }
    };
    let make = match knobs.target {
        Target::Function => format!("p = Process(target=greet, args=({value},))"),
        Target::Lambda => format!("p = Process(target=lambda: greet({value}))"),
        Target::Nested => {
            src.line(1, "def work():");
            src.line(2, &format!("greet({value})"));
            src.blank();
            "p = Process(target=work)".to_string()
        }
    };
    src.line(1, &make);
    let start_line = src.line(1, "p.start()");
    let join_line = src.line(1, "p.join()");
    let done_line = src.line(1, "print(f\"child exit code: {p.exitcode}\")");
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    src.line(1, "main()");

    let mut processes = vec![main_process()];
    let mut actors = vec![main_thread(Vec::new())];
    let child_ops: Vec<Op> =
        vec![child_print.op(OpKind::Print { text: vec![TextPart::Lit(format!("child got {}", knobs.type_name()))] })];
    let child = add_child(&mut processes, &mut actors, "Process-1".into(), common.start_method, false, child_ops);
    processes[1].unpicklable = knobs.unpicklable();
    actors[0].ops = vec![
        start_line.op(OpKind::Start { actor: child }),
        join_line.op(OpKind::Join { actor: child, wait: Wait::Forever }),
        done_line.op(OpKind::Print { text: vec![TextPart::Lit("child exit code: 0".into())] }),
    ];
    let program = Program { source: src.finish(), processes, actors, objects: Vec::new(), switch_interval: None };
    Built::new(program, common)
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let raised = trace.errors.iter().find(|e| e.actor.0 == 0);
    let child_ran = trace.console_text().contains("child got ");
    let figures = vec![("raised", raised.is_some() as i64), ("child_ran", child_ran as i64)];
    let method = common.start_method.name();
    let chosen = if common.start_method_set {
        Text { en: "set with `set_start_method`", ko: "`set_start_method`로 정한 것" }
    } else {
        Text { en: "this version's default", ko: "이 버전의 기본값" }
    };
    if let Some(error) = raised {
        let first = error.message.lines().next().unwrap_or("");
        let headline = if ko {
            format!("`p.start()`가 `{}`를 일으켰습니다: `{first}` (`{method}`, {}).", error.exception, chosen.ko)
        } else {
            format!("`p.start()` raised `{}`: `{first}` (`{method}`, {}).", error.exception, chosen.en)
        };
        let why = match knobs.unpicklable() {
            Some(Unpicklable::ThreadLock) => Text {
                en: "`spawn` and `forkserver` pickle the arguments to send them to the new interpreter, and a \
                     `threading.Lock` cannot be pickled: it is a lock of this process only. Pass a \
                     `multiprocessing.Lock` (`arg=mp_lock`), which is made to be shared with children.",
                ko: "`spawn`과 `forkserver`는 인자를 새 인터프리터로 보내려고 직렬화하는데, `threading.Lock`은 이 \
                     프로세스만의 락이라 직렬화할 수 없습니다. 자식과 나누도록 만든 `multiprocessing.Lock`을 \
                     넘기세요(`arg=mp_lock`).",
            },
            _ => Text {
                en: "`pickle` stores a function as its module and name, for the new interpreter to import again; \
                     a `lambda` or a function defined inside `main()` has no such name. Define the function at \
                     module level and pass it by name (`target=function`), or use `fork`.",
                ko: "`pickle`은 함수를 새 인터프리터가 다시 import할 모듈과 이름으로 저장하는데, `lambda`나 \
                     `main()` 안에서 정의한 함수에는 그런 이름이 없습니다. 함수를 모듈에 정의해 이름으로 넘기거나\
                     (`target=function`) `fork`를 쓰세요.",
            },
        };
        let mut details = vec![why.get(lang).to_string()];
        if !pickling::measured(common.python.version) {
            details.push(
                Text {
                    en: "Modelled from CPython's documentation and source (`_pickle.c`): this machine has no Python \
                         3.14 to measure its message against.",
                    ko: "CPython의 문서와 소스(`_pickle.c`)로 모델링했습니다. 이 기계에는 메시지를 견주어 볼 파이썬 \
                         3.14가 없습니다.",
                }
                .get(lang)
                .to_string(),
            );
        }
        return Findings { headline, details, figures };
    }
    if trace.outcome != Outcome::Completed {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let got = knobs.type_name();
    let headline = if ko {
        format!("자식이 실행되어 `child got {got}`을 출력했습니다 (`{method}`, {}).", chosen.ko)
    } else {
        format!("The child ran and printed `child got {got}` (`{method}`, {}).", chosen.en)
    };
    let why = match (common.start_method.starts_fresh(), knobs.unpicklable().is_some()) {
        (false, true) => Text {
            en: "`fork` pickles nothing: the child is a copy of the parent, with the target and its arguments \
                 already in memory. The same program fails under `spawn` or `forkserver`, and on Python 3.14, \
                 whose default is `forkserver`.",
            ko: "`fork`는 아무것도 직렬화하지 않습니다. 자식은 대상과 인자가 이미 메모리에 있는 부모의 \
                 복사본입니다. 같은 프로그램이 `spawn`이나 `forkserver`에서는, 그리고 기본값이 `forkserver`인 \
                 파이썬 3.14에서는 실패합니다.",
        },
        (false, false) => Text {
            en: "`fork` pickles nothing, and what this child gets could be pickled anyway: it runs under every \
                 start method.",
            ko:
                "`fork`는 아무것도 직렬화하지 않고, 이 자식이 받는 것은 어차피 직렬화할 수 있으니 어느 시작 방식에서도 \
                 실행됩니다.",
        },
        (true, _) => Text {
            en: "The target is a module-level function, found again by its name, and the argument pickles: the \
                 new interpreter imported the module and called `greet`.",
            ko: "대상은 이름으로 다시 찾을 수 있는 모듈 수준 함수이고 인자도 직렬화됩니다. 새 인터프리터가 모듈을 \
                 import하고 `greet`를 불렀습니다.",
        },
    };
    Findings { headline, details: vec![why.get(lang).to_string()], figures }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::parts::testing;

    fn run(pairs: &[(&str, &str)]) -> Trace {
        testing::run(&LESSON, pairs).1
    }

    #[test]
    fn a_lambda_target_fails_to_pickle_under_spawn_and_forkserver_and_runs_under_fork() {
        for method in ["spawn", "forkserver"] {
            let trace = run(&[("start_method", method)]);
            let e = &trace.errors[0];
            assert_eq!((e.actor.0, e.exception.as_str()), (0, "AttributeError"), "{method}");
            assert_eq!(e.message, "Can't pickle local object 'main.<locals>.<lambda>'");
            assert!(!trace.console_text().contains("child got"), "{method}: no child ran");
        }
        let trace = run(&[("start_method", "fork")]);
        assert!(trace.errors.is_empty());
        assert_eq!(trace.console_text(), "child got int\nchild exit code: 0\n");
    }

    #[test]
    fn python_3_14_fails_by_default_where_3_13_runs() {
        assert!(run(&[("python", "3.13")]).errors.is_empty());
        let trace = run(&[("python", "3.14")]);
        assert_eq!(trace.errors[0].exception, "_pickle.PicklingError");
        let said = findings(&Knobs { target: Target::Lambda, arg: Arg::Number }, &Common::default(), &trace, Lang::En);
        assert!(said.headline.contains("PicklingError"), "{said:?}");
    }

    #[test]
    fn a_thread_lock_argument_fails_and_a_multiprocessing_lock_goes_through() {
        let lock = [("target", "function"), ("arg", "thread_lock"), ("start_method", "spawn")];
        assert_eq!(run(&lock).errors[0].message, "cannot pickle '_thread.lock' object");
        let fixed = [("target", "function"), ("arg", "mp_lock"), ("start_method", "spawn")];
        assert!(run(&fixed).console_text().starts_with("child got Lock\n"));
    }

    #[test]
    fn cpython_raises_the_same_exception_with_the_same_message_and_runs_what_fork_runs() {
        for pairs in [
            vec![("start_method", "spawn")],
            vec![("start_method", "forkserver"), ("target", "nested")],
            vec![("start_method", "spawn"), ("target", "function"), ("arg", "thread_lock")],
            vec![("start_method", "fork"), ("arg", "thread_lock")],
            vec![("start_method", "spawn"), ("target", "function"), ("arg", "mp_lock")],
        ] {
            let (_, built) = testing::built(&LESSON, &pairs);
            let Some(out) = testing::cpython(&built.program.source) else { return };
            let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            let trace = run(&pairs);
            assert_eq!(stdout, trace.console_text(), "{pairs:?}: {stderr}");
            match trace.errors.first() {
                Some(e) => {
                    let last = stderr.lines().last().unwrap_or("");
                    assert_eq!(last, format!("{}: {}", e.exception, e.message), "{pairs:?}");
                    assert!(!out.status.success());
                }
                None => assert!(out.status.success(), "{pairs:?}: {stderr}"),
            }
        }
    }
}
