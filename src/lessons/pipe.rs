//! Lesson 11, `pipe`: a sender process sends `Hello`, `World`, `!` through a Pipe and a
//! receiver process receives them.
//!
//! Messages arrive in the order they were sent. With `duplex=yes` the receiver answers
//! through the same pipe; a one-way pipe (`duplex=no`) has a receiving end and a sending
//! end. With `close_early=yes` the sender closes its end one message early, and the
//! receiver's last `recv()` raises `EOFError`.

use crate::compile::{print_text_or_number, text_code};
use crate::engine::program::{
    ActorId, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Operand, Program, Reg, TextPart, Wait,
};
use crate::engine::trace::{Outcome, Trace};
use crate::i18n::{Lang, Text};
use crate::knobs::{Common, FromKnobs, KnobError, KnobKind, KnobSpec, KnobValues, Output};
use crate::lessons::parts::{
    add_child, import_multiprocessing, lines_by_actor, main_process, main_thread, not_finished, set_start_method,
};
use crate::lessons::source::{Source, SourceLine};
use crate::lessons::{Built, Findings, Group, KnobWords, Lesson, LessonInfo, LessonWords, Teach};

const KNOBS: &[KnobSpec] = &[
    KnobSpec { name: "messages", kind: KnobKind::Int { min: 1, max: 10 }, default: "3" },
    KnobSpec { name: "duplex", kind: KnobKind::Choice(&["yes", "no"]), default: "yes" },
    KnobSpec { name: "close_early", kind: KnobKind::Choice(&["no", "yes"]), default: "no" },
];

pub const INFO: LessonInfo = LessonInfo {
    id: "pipe",
    group: Group::Processes,
    title: Text { en: "Pipes between processes", ko: "프로세스 사이의 파이프" },
    teaser: Text {
        en: "Send `Hello`, `World`, `!` from one process to another: in order, both ways, and `EOFError` at the end.",
        ko: "한 프로세스에서 다른 프로세스로 `Hello`, `World`, `!`를 보냅니다. 순서대로, 양방향으로, 끝에는 \
             `EOFError`.",
    },
    knobs: KNOBS,
    common_knobs: &["engine", "output", "python", "start_method", "cores", "seed"],
    shows: crate::lessons::shows_with::<Pipe>,
    breaks: None,
};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`Pipe()` returns two connected ends. What one end sends, the other receives, in the same order; \
             `recv()` waits until something arrives. A duplex pipe (the default) lets both ends send; \
             `Pipe(duplex=False)` gives a receiving end and a sending end. When one end is closed and everything \
             sent has been received, `recv()` at the other end raises `EOFError`.",
        ko: "`Pipe()`는 서로 이어진 두 끝을 돌려줍니다. 한쪽 끝이 보낸 것을 다른 쪽이 같은 순서로 받고, `recv()`는 \
             무언가 도착할 때까지 기다립니다. 양방향 파이프(기본값)는 두 끝 모두 보낼 수 있고, `Pipe(duplex=False)`는 \
             받는 끝과 보내는 끝을 줍니다. 한쪽 끝이 닫히고 보낸 것을 모두 받은 뒤에 다른 쪽에서 `recv()`를 하면 \
             `EOFError`가 납니다.",
    },
    seed_changes: Text {
        en: "Only whether the sent and received lines interleave (with `output=pipe`, which process's block of \
             lines comes first); the messages always arrive in the order they were sent.",
        ko: "보냄 줄과 받음 줄이 섞이는지(`output=pipe`면 어느 프로세스의 줄 묶음이 먼저 나오는지)만 달라집니다. \
             메시지는 언제나 보낸 순서대로 도착합니다.",
    },
    knobs: &[
        KnobWords {
            name: "messages",
            label: Text { en: "Messages", ko: "메시지 수" },
            help: Text {
                en: "How many messages go through the pipe: `Hello`, `World`, `!`, then `message 4`, `message 5` and \
                     so on.",
                ko: "파이프로 보내는 메시지의 수입니다. `Hello`, `World`, `!` 다음에는 `message 4`, `message 5`처럼 \
                     이어집니다.",
            },
        },
        KnobWords {
            name: "duplex",
            label: Text { en: "Two-way pipe", ko: "양방향 파이프" },
            help: Text {
                en: "`yes`: `Pipe()`, both ends can send, and the receiver answers `thanks` once it has every \
                     message; `no`: `Pipe(duplex=False)`, one end only receives, the other only sends.",
                ko: "`yes`면 `Pipe()`로 두 끝 모두 보낼 수 있어서, 받는 쪽이 메시지를 다 받으면 `thanks`로 답합니다. \
                     `no`면 `Pipe(duplex=False)`로 한 끝은 받기만, 다른 끝은 보내기만 합니다.",
            },
        },
        KnobWords {
            name: "close_early",
            label: Text { en: "Close early", ko: "일찍 닫기" },
            help: Text {
                en: "`yes`: the sender sends one message fewer and closes its end, so the receiver's last `recv()` \
                     raises `EOFError`; `no`: it sends them all, then closes.",
                ko: "`yes`면 보내는 쪽이 메시지를 하나 덜 보내고 끝을 닫아서, 받는 쪽의 마지막 `recv()`가 \
                     `EOFError`를 냅니다. `no`면 모두 보낸 뒤에 닫습니다.",
            },
        },
    ],
};

/// The lesson as the engine worker runs it.
pub const LESSON: Lesson = Lesson::of::<Pipe>(&INFO, &WORDS);

/// The lesson's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub messages: u8,
    /// `Pipe()` (both ends send) rather than `Pipe(duplex=False)`.
    pub duplex: bool,
    /// The sender closes its end one message early.
    pub close_early: bool,
}

impl FromKnobs for Knobs {
    fn from_knobs(values: &KnobValues) -> Result<Knobs, KnobError> {
        Ok(Knobs {
            messages: values.whole("messages")? as u8,
            duplex: values.yes("duplex")?,
            close_early: values.yes("close_early")?,
        })
    }
}

struct Pipe;

impl Teach for Pipe {
    type Knobs = Knobs;

    fn build(knobs: &Knobs, common: &Common) -> Built {
        build(knobs, common)
    }

    fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
        findings(knobs, common, trace, lang)
    }
}

const PIPE: ObjectId = ObjectId(0);
const M: Reg = Reg(0);
const MESSAGES: [&str; 3] = ["Hello", "World", "!"];

fn word(i: usize) -> String {
    MESSAGES.get(i).map_or_else(|| format!("message {}", i + 1), |w| w.to_string())
}

fn build(knobs: &Knobs, common: &Common) -> Built {
    let Knobs { messages, duplex, close_early: early } = *knobs;
    let n = messages as usize;
    let sent = if early { n.saturating_sub(1) } else { n };
    // The receiver thanks the sender through a duplex pipe, if it got everything.
    let thanks = duplex && !early;
    let quoted: Vec<String> = (0..n).map(|i| format!("{:?}", word(i))).collect();

    let mut src = Source::new();
    import_multiprocessing(&mut src, common, "Process, Pipe");
    src.blank();
    src.line(0, &format!("MESSAGES = [{}]", quoted.join(", ")));
    src.blank();
    src.blank();
    src.line(0, "def sender(conn):");
    if early {
        src.line(1, "for message in MESSAGES[:-1]:  # one short");
    } else {
        src.line(1, "for message in MESSAGES:");
    }
    let send_line = src.line(2, "conn.send(message)");
    let say_sent = src.line(2, "print(f\"sent {message}\")");
    let thanked = thanks.then(|| src.line(1, "print(f\"sender got {conn.recv()!r} back\")"));
    let close_line = src.line(1, "conn.close()");
    src.blank();
    src.blank();
    src.line(0, "def receiver(conn, other_end):");
    let close_other = src.line(1, "other_end.close()  # fork gave this process a copy of the sending end too");
    let recv_for = src.line(1, "for _ in MESSAGES:");
    let recv_line = src.line(2, "message = conn.recv()");
    let say_received = src.line(2, "print(f\"received {message}\")");
    let reply = thanks.then(|| src.line(1, "conn.send(\"thanks\")  # a duplex end can send too"));
    src.blank();
    src.blank();
    src.line(0, "if __name__ == \"__main__\":");
    set_start_method(&mut src, common);
    if duplex {
        src.line(1, "left, right = Pipe()  # duplex: both ends send and receive");
    } else {
        src.line(1, "left, right = Pipe(duplex=False)  # left receives, right sends");
    }
    src.line(1, "receiving = Process(target=receiver, args=(left, right))");
    src.line(1, "sending = Process(target=sender, args=(right,))");
    let start_receiver = src.line(1, "receiving.start()");
    let start_sender = src.line(1, "sending.start()");
    // Each process holds its own copies of the ends; an end is closed for good once every
    // copy is. The parent drops its copies here, so the sender's close is the last one.
    let close_left = src.line(1, "left.close()  # the parent's copies: the children keep theirs");
    let close_right = src.line(1, "right.close()");
    let join_receiver = src.line(1, "receiving.join()");
    let join_sender = src.line(1, "sending.join()");

    // Texts travel as codes (the compiler's): the words, then "thanks" if it is sent.
    let mut texts: Vec<String> = (0..n).map(word).collect();
    if thanks {
        texts.push("thanks".into());
    }
    // A value received is printed as the text whose code it is, or as a number.
    let print_received = |ops: &mut Vec<Op>, before: &str, after: &[TextPart], repr: bool, line: SourceLine| {
        let kinds = print_text_or_number(&[TextPart::Lit(before.into())], M, after, &texts, repr, ops.len());
        ops.extend(kinds.into_iter().map(|kind| line.op(kind)));
    };
    // The sender sends messages 0..sent on end 1, maybe waits for thanks, and closes it.
    let mut sender = Vec::new();
    for i in 0..sent {
        sender.push(send_line.op(OpKind::Send { object: PIPE, end: 1, value: Operand::Const(text_code(i)) }));
        sender.push(say_sent.op(OpKind::Print { text: vec![TextPart::Lit(format!("sent {}", word(i)))] }));
    }
    if let Some(line) = thanked {
        sender.push(line.op(OpKind::Recv { object: PIPE, end: 1, reg: M }));
        print_received(&mut sender, "sender got ", &[TextPart::Lit(" back".into())], true, line);
    }
    sender.push(close_line.op(OpKind::Close { object: PIPE, end: 1 }));
    // The receiver takes n messages from end 0 (the last raises EOFError if the sender
    // closed early), then may answer.
    let mut receiver = vec![close_other.op(OpKind::Close { object: PIPE, end: 1 })];
    let top = receiver.len();
    receiver.push(recv_line.op(OpKind::Recv { object: PIPE, end: 0, reg: M }));
    print_received(&mut receiver, "received ", &[], false, say_received);
    receiver.push(recv_for.op(OpKind::Loop { to: top, times: n as u64 }));
    if let Some(line) = reply {
        receiver.push(line.op(OpKind::Send { object: PIPE, end: 0, value: Operand::Const(text_code(n)) }));
    }
    let main = vec![
        start_receiver.op(OpKind::Start { actor: ActorId(1) }),
        start_sender.op(OpKind::Start { actor: ActorId(2) }),
        close_left.op(OpKind::Close { object: PIPE, end: 0 }),
        close_right.op(OpKind::Close { object: PIPE, end: 1 }),
        join_receiver.op(OpKind::Join { actor: ActorId(1), wait: Wait::Forever }),
        join_sender.op(OpKind::Join { actor: ActorId(2), wait: Wait::Forever }),
    ];
    let mut processes = vec![main_process()];
    let mut actors = vec![main_thread(main)];
    add_child(&mut processes, &mut actors, "Process-1".into(), common.start_method, false, receiver);
    add_child(&mut processes, &mut actors, "Process-2".into(), common.start_method, false, sender);
    let objects = vec![ObjectDef { name: "Pipe() as left, right".into(), kind: ObjectKind::Pipe { duplex } }];
    let program = Program { source: src.finish(), processes, actors, objects, switch_interval: None };
    Built::new(program, common)
}

/// The words received, in order.
pub fn received(trace: &Trace) -> Vec<String> {
    lines_by_actor(trace).into_iter().filter_map(|(_, l)| l.strip_prefix("received ").map(str::to_string)).collect()
}

/// How the sent and received lines came out this time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Every "sent" line before the first "received" one.
    SentFirst,
    /// Every "received" line before the first "sent" one.
    ReceivedFirst,
    /// Mixed.
    Interleaved,
}

/// The order the sent and received lines came out in, as the console shows them.
pub fn order(trace: &Trace) -> Order {
    // true for a "sent" line, false for a "received" one.
    let kinds: Vec<bool> = lines_by_actor(trace)
        .iter()
        .filter_map(
            |(_, l)| if l.starts_with("sent ") { Some(true) } else { l.starts_with("received ").then_some(false) },
        )
        .collect();
    // Blocks of the same kind: one or two of them is no interleaving.
    let blocks = 1 + kinds.windows(2).filter(|w| w[0] != w[1]).count();
    match (blocks, kinds.first()) {
        (1 | 2, Some(false)) => Order::ReceivedFirst,
        (1 | 2, _) => Order::SentFirst,
        _ => Order::Interleaved,
    }
}

fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let n = knobs.messages as usize;
    let got = received(trace);
    let in_order = got.iter().enumerate().all(|(i, w)| *w == word(i));
    let eof = trace.errors.iter().any(|e| e.exception == "EOFError");
    let figures = vec![("received", got.len() as i64), ("in_order", in_order as i64), ("eof", eof as i64)];
    if !matches!(trace.outcome, Outcome::Completed) {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    }
    let list = got.join(" ");
    let headline = match (eof, ko, got.len()) {
        (false, false, 1) => format!("The one message arrived: `{list}`"),
        (false, false, _) => format!("All {n} messages arrived, in the order they were sent: `{list}`"),
        (false, true, _) => format!("메시지 {n}개가 모두 보낸 순서대로 도착했습니다: `{list}`"),
        // The sender closed before sending anything: the first `recv()` raised.
        (true, false, 0) => "No message arrived: the first `recv()` raised `EOFError`.".to_string(),
        (true, true, 0) => "메시지가 하나도 오지 않았습니다. 첫 `recv()`가 `EOFError`를 냈습니다.".to_string(),
        (true, false, 1) => format!("1 message arrived (`{list}`), then `recv()` raised `EOFError`."),
        (true, false, got) => format!("{got} messages arrived (`{list}`), then `recv()` raised `EOFError`."),
        (true, true, got) => format!("메시지 {got}개가 도착한 뒤(`{list}`) `recv()`가 `EOFError`를 냈습니다."),
    };
    let why = if eof {
        Text {
            en: "The sender closed its end after one message fewer than the receiver expected: with nothing left to \
                 read and nobody left to send, `recv()` can only raise `EOFError`.",
            ko: "보내는 쪽이 받는 쪽이 기대한 것보다 하나 적게 보내고 끝을 닫았습니다. 읽을 것도 보낼 사람도 남지 \
                 않았으니 `recv()`는 `EOFError`를 낼 수밖에 없습니다.",
        }
    } else {
        Text {
            en: "A pipe is first in, first out: the arrows on the timeline join each `send()` to its `recv()`.",
            ko: "파이프는 먼저 들어간 것이 먼저 나옵니다. 타임라인의 화살표가 각 `send()`와 그 `recv()`를 이어 줍니다.",
        }
    };
    let mut details = vec![why.get(lang).to_string()];
    if !eof {
        details.push(lines_order(order(trace), common.output).get(lang).to_string());
    }
    Findings { headline, details, figures }
}

/// Why the sent and received lines came out as they did this time.
fn lines_order(order: Order, output: Output) -> Text {
    let buffered = output == Output::Pipe;
    match (buffered, order) {
        (true, Order::SentFirst) => Text {
            en: "With `output=pipe` each process's prints wait in its buffer until it exits, so its lines come out in \
                 one block: this time the sender's block came first. Run again with another seed, and the \
                 receiver's may.",
            ko: "`output=pipe`에서는 각 프로세스의 출력이 끝날 때까지 버퍼에 머물러서 줄이 한 묶음으로 나옵니다. \
                 이번에는 보내는 쪽의 묶음이 먼저 나왔습니다. 다른 시드로 다시 실행하면 받는 쪽이 먼저일 수도 \
                 있습니다.",
        },
        (true, Order::ReceivedFirst) => Text {
            en: "With `output=pipe` each process's prints wait in its buffer until it exits, so its lines come out in \
                 one block: this time the receiver's block came first. Run again with another seed, and the \
                 sender's may.",
            ko: "`output=pipe`에서는 각 프로세스의 출력이 끝날 때까지 버퍼에 머물러서 줄이 한 묶음으로 나옵니다. \
                 이번에는 받는 쪽의 묶음이 먼저 나왔습니다. 다른 시드로 다시 실행하면 보내는 쪽이 먼저일 수도 \
                 있습니다.",
        },
        (true, Order::Interleaved) => Text {
            en: "With `output=pipe` each process's prints wait in its buffer until it is full or the process exits; \
                 this time the lines still came out mixed.",
            ko: "`output=pipe`에서는 각 프로세스의 출력이 버퍼가 차거나 프로세스가 끝날 때까지 버퍼에 머뭅니다. \
                 이번에는 그래도 줄이 섞여 나왔습니다.",
        },
        (false, Order::SentFirst) => Text {
            en: "This time the sender printed all its lines before the receiver printed its first: a message takes \
                 a moment to reach the other process. Run again with another seed, or send more messages, to see \
                 the lines interleave.",
            ko: "이번에는 보내는 쪽이 자기 줄을 모두 출력한 뒤에야 받는 쪽이 첫 줄을 출력했습니다. 메시지가 다른 \
                 프로세스에 닿기까지 잠깐 걸리기 때문입니다. 다른 시드로 다시 실행하거나 메시지를 늘리면 줄이 섞이는 \
                 것을 볼 수 있습니다.",
        },
        (false, Order::ReceivedFirst) => Text {
            en: "This time the receiver's lines all came out before the sender's: the two processes run side by \
                 side, and nothing orders one's prints against the other's.",
            ko: "이번에는 받는 쪽의 줄이 보내는 쪽의 줄보다 모두 먼저 나왔습니다. 두 프로세스는 나란히 실행되고, \
                 한쪽의 출력과 다른 쪽의 출력 사이의 순서를 정해 주는 것은 없습니다.",
        },
        (false, Order::Interleaved) => Text {
            en: "This time the sent and received lines interleave: the two processes run side by side, and the \
                 receiver prints each message soon after it arrives.",
            ko: "이번에는 보냄 줄과 받음 줄이 섞여 나왔습니다. 두 프로세스가 나란히 실행되고, 받는 쪽은 메시지가 \
                 도착하자마자 출력하기 때문입니다.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(pairs: &[(&str, &str)]) -> Built {
        crate::lessons::parts::testing::built(&LESSON, pairs).1
    }

    fn details(knobs: &KnobValues, trace: &Trace, lang: Lang) -> String {
        (LESSON.findings)(knobs, trace, lang).details.join(" ")
    }

    #[test]
    fn the_findings_say_how_the_sent_and_received_lines_came_out_this_time() {
        use crate::lessons::parts::testing::first_seed;
        // Most runs print every "sent" line first; that run must not claim they interleave.
        let (seed, knobs, trace) =
            first_seed(&LESSON, &[], 40, |_, t| order(t) == Order::SentFirst).expect("a run with the sends first");
        let said = details(&knobs, &trace, Lang::En);
        assert!(said.contains("the sender printed all its lines before the receiver"), "seed {seed}: {said}");
        assert!(!said.contains("interleave:"), "seed {seed}: {said}");
        // The rare run whose lines do interleave says so.
        let (seed, knobs, trace) =
            first_seed(&LESSON, &[], 60, |_, t| order(t) == Order::Interleaved).expect("a run with mixed lines");
        let said = details(&knobs, &trace, Lang::En);
        assert!(said.contains("the sent and received lines interleave"), "seed {seed}: {said}");
        assert!(details(&knobs, &trace, Lang::Ko).contains("섞여 나왔습니다"), "seed {seed}");
        // Buffered, each process's lines come out in one block, either first.
        for first in [Order::SentFirst, Order::ReceivedFirst] {
            let (seed, knobs, trace) = first_seed(&LESSON, &[("output", "pipe")], 40, |_, t| order(t) == first)
                .unwrap_or_else(|| panic!("a buffered run with {first:?}"));
            let whose = if first == Order::SentFirst { "the sender's block" } else { "the receiver's block" };
            let said = details(&knobs, &trace, Lang::En);
            assert!(said.contains(whose), "seed {seed}: {said}");
            assert_eq!(received(&trace), ["Hello", "World", "!"], "seed {seed}: one write holds every line");
        }
    }

    #[test]
    fn one_message_or_none_is_said_in_the_singular() {
        use crate::lessons::parts::testing::first_seed;
        let headline = |pairs: &[(&str, &str)], lang| {
            let (_, knobs, trace) = first_seed(&LESSON, pairs, 1, |_, _| true).unwrap();
            (LESSON.findings)(&knobs, &trace, lang).headline
        };
        let none = [("messages", "1"), ("close_early", "yes")];
        assert_eq!(headline(&none, Lang::En), "No message arrived: the first `recv()` raised `EOFError`.");
        assert!(headline(&none, Lang::Ko).starts_with("메시지가 하나도"));
        assert_eq!(headline(&[("messages", "1")], Lang::En), "The one message arrived: `Hello`");
        let one = [("messages", "2"), ("close_early", "yes")];
        assert_eq!(headline(&one, Lang::En), "1 message arrived (`Hello`), then `recv()` raised `EOFError`.");
    }

    #[test]
    fn unbuffered_words_are_read_whole_when_the_other_process_writes_between_text_and_newline() {
        // `-u`: "sent World" and its newline are two writes, and "received Hello" can land
        // between them, so the console shows "sent Worldreceived Hello".
        let merged = |_: &KnobValues, t: &Trace| {
            t.console_text().lines().any(|l| l.starts_with("sent ") && l.contains("received "))
        };
        let found = crate::lessons::parts::testing::first_seed(&LESSON, &[("output", "unbuffered")], 60, merged);
        let (seed, knobs, trace) = found.expect("an unbuffered run with a merged line");
        assert_eq!(received(&trace), ["Hello", "World", "!"], "seed {seed}");
        let headline = (LESSON.findings)(&knobs, &trace, Lang::En).headline;
        assert!(headline.ends_with("`Hello World !`"), "seed {seed}: {headline}");
    }

    #[test]
    fn every_variant_builds_and_the_generated_python_runs_in_cpython() {
        for duplex in ["yes", "no"] {
            for early in ["no", "yes"] {
                let b = built(&[("duplex", duplex), ("close_early", early)]);
                b.program.validate().unwrap();
                let out = match crate::lessons::parts::testing::cpython(&b.program.source) {
                    Some(out) => out,
                    None => return,
                };
                let text = String::from_utf8(out.stdout).unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                if early == "yes" {
                    assert!(stderr.contains("EOFError"), "{stderr}");
                    assert_eq!(text.matches("received ").count(), 2, "{text}");
                } else {
                    assert!(out.status.success(), "{stderr}");
                    assert!(text.contains("received Hello\n") && text.contains("received !\n"), "{text}");
                }
                assert_eq!(text.contains("sender got 'thanks' back"), duplex == "yes" && early == "no", "{text}");
            }
        }
    }
}
