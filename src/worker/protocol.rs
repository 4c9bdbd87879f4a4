//! The messages between the page and the engine worker, shared by both sides.
//!
//! Every message crosses as a compact binary buffer that is transferred, not copied:
//! LEB128 integers, length-prefixed UTF-8, one tag byte per variant. Pure Rust, so the
//! codec is tested natively; decoding untrusted bytes gives an error, never a panic.

use crate::engine::control::StopReason;
use crate::engine::live::probe::{JobReport, ProbeReport, ProbeRequest};
use crate::engine::program::ProcessId;
use crate::engine::program::{ActorId, ObjectId};
use crate::engine::schedule::Schedule;
use crate::engine::trace::{
    ActorInfo, ActorMetrics, ConsoleWrite, EngineKind, Mark, MarkKind, Outcome, PythonError, Span, SpanKind, Trace,
    TraceBatch, WaitEdge, WaitOn,
};
use crate::explore::{ExploreReport, ExploreRequest, Found};

/// Page to worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Run the pool probe (CPU-bound jobs on the pool).
    Probe { run: u32, request: ProbeRequest },
    /// Run a lesson with knobs given as `name=value` (checked again by the worker).
    Run { run: u32, lesson: String, knobs: Vec<(String, String)> },
    /// Stop a run; every actor sees the control block flip.
    Cancel { run: u32 },
    /// Make a pool thread panic, so tests can check that the page recovers.
    PanicForTest,
    /// Explore a lesson over seeds and schedules on the simulated engine.
    Explore { run: u32, lesson: String, knobs: Vec<(String, String)>, request: ExploreRequest },
}

/// Worker to page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The handshake: the worker is up, with or without its thread pool.
    Ready {
        isolated: bool,
        pool_threads: u32,
        hardware_concurrency: u32,
    },
    Progress {
        run: u32,
        done: u64,
        total: u64,
        elapsed_ns: u64,
    },
    /// Part of a run's trace, streamed while it goes on.
    Trace {
        run: u32,
        batch: TraceBatch,
    },
    ProbeDone {
        run: u32,
        report: ProbeReport,
    },
    /// A lesson run ended (completed, cancelled or stopped); the whole trace.
    RunDone {
        run: u32,
        trace: Trace,
    },
    /// The run could not start or failed; the message says why.
    Failed {
        run: u32,
        message: String,
    },
    /// A pool thread panicked; the pool is no longer whole and the page restarts the worker.
    Panicked {
        message: String,
    },
    /// An exploration ended (done, or cancelled with what it had found so far).
    ExploreDone {
        run: u32,
        report: ExploreReport,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed engine message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn bool(&mut self, v: bool) {
        self.u8(v as u8);
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// `name=value` pairs.
    fn knobs(&mut self, knobs: &[(String, String)]) {
        self.uint(knobs.len() as u64);
        for (name, value) in knobs {
            self.str(name);
            self.str(value);
        }
    }

    /// Values and how many runs had each.
    fn histogram(&mut self, histogram: &[(i64, u64)]) {
        self.uint(histogram.len() as u64);
        for (value, runs) in histogram {
            self.int(*value);
            self.uint(*runs);
        }
    }

    /// Zig-zag, so negative values stay short.
    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn opt(&mut self, v: Option<u64>) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                self.uint(v);
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self.bytes.get(self.at).ok_or(DecodeError("ends early"))?;
        self.at += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError("integer too long"))
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        u32::try_from(self.uint()?).map_err(|_| DecodeError("integer out of range"))
    }

    fn u16(&mut self) -> Result<u16, DecodeError> {
        u16::try_from(self.uint()?).map_err(|_| DecodeError("index out of range"))
    }

    fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError("bad flag")),
        }
    }

    fn str(&mut self) -> Result<String, DecodeError> {
        let len = self.uint()? as usize;
        let end =
            self.at.checked_add(len).filter(|e| *e <= self.bytes.len()).ok_or(DecodeError("string past the end"))?;
        let s = std::str::from_utf8(&self.bytes[self.at..end]).map_err(|_| DecodeError("string not UTF-8"))?;
        self.at = end;
        Ok(s.to_string())
    }

    fn knobs(&mut self) -> Result<Vec<(String, String)>, DecodeError> {
        let n = self.count(2)?;
        let mut knobs = Vec::with_capacity(n);
        for _ in 0..n {
            knobs.push((self.str()?, self.str()?));
        }
        Ok(knobs)
    }

    fn histogram(&mut self) -> Result<Vec<(i64, u64)>, DecodeError> {
        let n = self.count(2)?;
        let mut histogram = Vec::with_capacity(n);
        for _ in 0..n {
            histogram.push((self.int()?, self.uint()?));
        }
        Ok(histogram)
    }

    fn int(&mut self) -> Result<i64, DecodeError> {
        let z = self.uint()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    fn opt(&mut self) -> Result<Option<u64>, DecodeError> {
        Ok(if self.bool()? { Some(self.uint()?) } else { None })
    }

    /// A count of items each at least `min_bytes` long: refuse counts the buffer cannot hold.
    fn count(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.uint()? as usize;
        if n.saturating_mul(min_bytes) > self.bytes.len() - self.at {
            return Err(DecodeError("count past the end"));
        }
        Ok(n)
    }

    fn finish(&self) -> Result<(), DecodeError> {
        (self.at == self.bytes.len()).then_some(()).ok_or(DecodeError("trailing bytes"))
    }
}

fn stop_code(reason: Option<StopReason>) -> u8 {
    match reason {
        None => 0,
        Some(StopReason::Cancelled) => 1,
        Some(StopReason::DeadlineExceeded) => 2,
        Some(StopReason::Deadlock) => 3,
        Some(StopReason::Stuck) => 4,
    }
}

fn stop_from(code: u8) -> Result<Option<StopReason>, DecodeError> {
    Ok(match code {
        0 => None,
        1 => Some(StopReason::Cancelled),
        2 => Some(StopReason::DeadlineExceeded),
        3 => Some(StopReason::Deadlock),
        4 => Some(StopReason::Stuck),
        _ => return Err(DecodeError("bad stop reason")),
    })
}

impl Request {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        match self {
            Request::Probe { run, request } => {
                w.u8(1);
                w.uint(*run as u64);
                w.uint(request.jobs as u64);
                w.uint(request.units_per_job);
            }
            Request::Cancel { run } => {
                w.u8(2);
                w.uint(*run as u64);
            }
            Request::PanicForTest => w.u8(3),
            Request::Run { run, lesson, knobs } => {
                w.u8(4);
                w.uint(*run as u64);
                w.str(lesson);
                w.knobs(knobs);
            }
            Request::Explore { run, lesson, knobs, request } => {
                w.u8(5);
                w.uint(*run as u64);
                w.str(lesson);
                w.knobs(knobs);
                w.uint(request.seeds);
                w.uint(request.picks as u64);
                w.uint(request.max_runs);
                w.bool(request.stop_at_first_break);
            }
        }
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Request, DecodeError> {
        let mut r = Reader { bytes, at: 0 };
        let request = match r.u8()? {
            1 => Request::Probe { run: r.u32()?, request: ProbeRequest { jobs: r.u32()?, units_per_job: r.uint()? } },
            2 => Request::Cancel { run: r.u32()? },
            3 => Request::PanicForTest,
            4 => {
                let run = r.u32()?;
                let lesson = r.str()?;
                let knobs = r.knobs()?;
                Request::Run { run, lesson, knobs }
            }
            5 => {
                let run = r.u32()?;
                let lesson = r.str()?;
                let knobs = r.knobs()?;
                let request = ExploreRequest {
                    seeds: r.uint()?,
                    picks: r.u32()?,
                    max_runs: r.uint()?,
                    stop_at_first_break: r.bool()?,
                };
                Request::Explore { run, lesson, knobs, request }
            }
            _ => return Err(DecodeError("unknown request")),
        };
        r.finish()?;
        Ok(request)
    }
}

impl Response {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        match self {
            Response::Ready { isolated, pool_threads, hardware_concurrency } => {
                w.u8(1);
                w.bool(*isolated);
                w.uint(*pool_threads as u64);
                w.uint(*hardware_concurrency as u64);
            }
            Response::Progress { run, done, total, elapsed_ns } => {
                w.u8(2);
                w.uint(*run as u64);
                w.uint(*done);
                w.uint(*total);
                w.uint(*elapsed_ns);
            }
            Response::Trace { run, batch } => {
                w.u8(3);
                w.uint(*run as u64);
                write_batch(&mut w, batch);
            }
            Response::ProbeDone { run, report } => {
                w.u8(4);
                w.uint(*run as u64);
                w.uint(report.request.jobs as u64);
                w.uint(report.request.units_per_job);
                w.uint(report.wall);
                w.u8(stop_code(report.stopped));
                w.uint(report.jobs.len() as u64);
                for job in &report.jobs {
                    w.uint(job.job as u64);
                    w.opt(job.pool_thread.map(u64::from));
                    w.uint(job.start);
                    w.uint(job.end);
                    w.uint(job.checksum);
                    w.u8(stop_code(job.stopped));
                }
            }
            Response::Failed { run, message } => {
                w.u8(5);
                w.uint(*run as u64);
                w.str(message);
            }
            Response::Panicked { message } => {
                w.u8(6);
                w.str(message);
            }
            Response::RunDone { run, trace } => {
                w.u8(7);
                w.uint(*run as u64);
                write_trace(&mut w, trace);
            }
            Response::ExploreDone { run, report } => {
                w.u8(8);
                w.uint(*run as u64);
                w.str(&report.figure);
                w.uint(report.runs);
                w.histogram(&report.histogram);
                w.uint(report.others.len() as u64);
                for (name, histogram) in &report.others {
                    w.str(name);
                    w.histogram(histogram);
                }
                w.uint(report.broke);
                w.bool(report.complete);
                match &report.shortest {
                    None => w.u8(0),
                    Some(found) => {
                        w.u8(1);
                        w.uint(found.seed);
                        w.str(&found.schedule.to_string());
                        w.int(found.value);
                        w.uint(found.turns);
                    }
                }
            }
        }
        w.0
    }

    pub fn decode(bytes: &[u8]) -> Result<Response, DecodeError> {
        let mut r = Reader { bytes, at: 0 };
        let response = match r.u8()? {
            1 => Response::Ready { isolated: r.bool()?, pool_threads: r.u32()?, hardware_concurrency: r.u32()? },
            2 => Response::Progress { run: r.u32()?, done: r.uint()?, total: r.uint()?, elapsed_ns: r.uint()? },
            3 => Response::Trace { run: r.u32()?, batch: read_batch(&mut r)? },
            4 => {
                let run = r.u32()?;
                let request = ProbeRequest { jobs: r.u32()?, units_per_job: r.uint()? };
                let wall = r.uint()?;
                let stopped = stop_from(r.u8()?)?;
                let n = r.count(6)?;
                let mut jobs = Vec::with_capacity(n);
                for _ in 0..n {
                    jobs.push(JobReport {
                        job: r.u32()?,
                        pool_thread: r.opt()?.map(|t| t as u32),
                        start: r.uint()?,
                        end: r.uint()?,
                        checksum: r.uint()?,
                        stopped: stop_from(r.u8()?)?,
                    });
                }
                Response::ProbeDone { run, report: ProbeReport { request, jobs, wall, stopped } }
            }
            5 => Response::Failed { run: r.u32()?, message: r.str()? },
            6 => Response::Panicked { message: r.str()? },
            7 => Response::RunDone { run: r.u32()?, trace: read_trace(&mut r)? },
            8 => {
                let run = r.u32()?;
                let figure = r.str()?;
                let runs = r.uint()?;
                let histogram = r.histogram()?;
                let mut others = Vec::new();
                for _ in 0..r.count(2)? {
                    others.push((r.str()?, r.histogram()?));
                }
                let broke = r.uint()?;
                let complete = r.bool()?;
                let shortest = match r.u8()? {
                    0 => None,
                    1 => Some(Found {
                        seed: r.uint()?,
                        schedule: Schedule::parse(&r.str()?).map_err(|_| DecodeError("bad schedule"))?,
                        value: r.int()?,
                        turns: r.uint()?,
                    }),
                    _ => return Err(DecodeError("bad flag")),
                };
                Response::ExploreDone {
                    run,
                    report: ExploreReport { figure, runs, histogram, others, broke, shortest, complete },
                }
            }
            _ => return Err(DecodeError("unknown response")),
        };
        r.finish()?;
        Ok(response)
    }
}

fn write_span_kind(w: &mut Writer, kind: SpanKind) {
    match kind {
        SpanKind::Run => w.u8(0),
        SpanKind::WaitGil => w.u8(1),
        SpanKind::HoldGil => w.u8(2),
        SpanKind::Sleep => w.u8(3),
        SpanKind::Wait(on) => {
            w.u8(4);
            write_wait_on(w, on);
        }
        SpanKind::Hold(object) => {
            w.u8(5);
            w.uint(object.0 as u64);
        }
        SpanKind::Starting => w.u8(6),
    }
}

fn read_span_kind(r: &mut Reader) -> Result<SpanKind, DecodeError> {
    Ok(match r.u8()? {
        0 => SpanKind::Run,
        1 => SpanKind::WaitGil,
        2 => SpanKind::HoldGil,
        3 => SpanKind::Sleep,
        4 => SpanKind::Wait(read_wait_on(r)?),
        5 => SpanKind::Hold(ObjectId(r.u16()?)),
        6 => SpanKind::Starting,
        _ => return Err(DecodeError("bad span kind")),
    })
}

fn write_mark_kind(w: &mut Writer, kind: MarkKind) {
    match kind {
        MarkKind::Started => w.u8(0),
        MarkKind::Exited => w.u8(1),
        MarkKind::Printed(i) => {
            w.u8(2);
            w.uint(i as u64);
        }
        MarkKind::Sent { object, seq } => {
            w.u8(3);
            w.uint(object.0 as u64);
            w.uint(seq as u64);
        }
        MarkKind::Received { object, seq } => {
            w.u8(4);
            w.uint(object.0 as u64);
            w.uint(seq as u64);
        }
        MarkKind::GilDropRequest => w.u8(5),
        MarkKind::Raised(i) => {
            w.u8(6);
            w.uint(i as u64);
        }
    }
}

fn read_mark_kind(r: &mut Reader) -> Result<MarkKind, DecodeError> {
    Ok(match r.u8()? {
        0 => MarkKind::Started,
        1 => MarkKind::Exited,
        2 => MarkKind::Printed(r.u32()?),
        3 => MarkKind::Sent { object: ObjectId(r.u16()?), seq: r.u32()? },
        4 => MarkKind::Received { object: ObjectId(r.u16()?), seq: r.u32()? },
        5 => MarkKind::GilDropRequest,
        6 => MarkKind::Raised(r.u32()?),
        _ => return Err(DecodeError("bad mark kind")),
    })
}

fn write_batch(w: &mut Writer, batch: &TraceBatch) {
    w.uint(batch.spans.len() as u64);
    for s in &batch.spans {
        w.uint(s.actor.0 as u64);
        write_span_kind(w, s.kind);
        w.uint(s.start);
        // Ends are written relative to starts: most spans are short, so this stays small.
        w.uint(s.end - s.start);
        w.uint(s.line as u64);
        w.uint(s.count as u64);
    }
    w.uint(batch.marks.len() as u64);
    for m in &batch.marks {
        w.uint(m.actor.0 as u64);
        write_mark_kind(w, m.kind);
        w.uint(m.at);
        w.uint(m.line as u64);
    }
    w.uint(batch.console.len() as u64);
    for c in &batch.console {
        w.uint(c.actor.0 as u64);
        w.uint(c.at);
        w.str(&c.text);
    }
}

fn read_batch(r: &mut Reader) -> Result<TraceBatch, DecodeError> {
    let mut batch = TraceBatch::default();
    for _ in 0..r.count(6)? {
        let actor = ActorId(r.u16()?);
        let kind = read_span_kind(r)?;
        let start = r.uint()?;
        let end = start.checked_add(r.uint()?).ok_or(DecodeError("span end overflows"))?;
        batch.spans.push(Span { actor, kind, start, end, line: r.u32()?, count: r.u32()? });
    }
    for _ in 0..r.count(4)? {
        batch.marks.push(Mark { actor: ActorId(r.u16()?), kind: read_mark_kind(r)?, at: r.uint()?, line: r.u32()? });
    }
    for _ in 0..r.count(3)? {
        batch.console.push(ConsoleWrite { actor: ActorId(r.u16()?), at: r.uint()?, text: r.str()? });
    }
    Ok(batch)
}

fn write_wait_on(w: &mut Writer, on: WaitOn) {
    match on {
        WaitOn::Object(o) => {
            w.u8(0);
            w.uint(o.0 as u64);
        }
        WaitOn::Actor(a) => {
            w.u8(1);
            w.uint(a.0 as u64);
        }
    }
}

fn read_wait_on(r: &mut Reader) -> Result<WaitOn, DecodeError> {
    Ok(match r.u8()? {
        0 => WaitOn::Object(ObjectId(r.u16()?)),
        1 => WaitOn::Actor(ActorId(r.u16()?)),
        _ => return Err(DecodeError("bad wait target")),
    })
}

fn write_trace(w: &mut Writer, trace: &Trace) {
    w.u8(match trace.engine {
        EngineKind::Simulated => 0,
        EngineKind::Live => 1,
    });
    w.uint(trace.actors.len() as u64);
    for a in &trace.actors {
        w.str(&a.name);
        w.uint(a.process.0 as u64);
        w.opt(a.pool_thread.map(u64::from));
    }
    write_batch(
        w,
        &TraceBatch { spans: trace.spans.clone(), marks: trace.marks.clone(), console: trace.console.clone() },
    );
    w.uint(trace.errors.len() as u64);
    for e in &trace.errors {
        w.uint(e.actor.0 as u64);
        w.uint(e.line as u64);
        w.str(&e.exception);
        w.str(&e.message);
    }
    w.uint(trace.metrics.len() as u64);
    for m in &trace.metrics {
        for v in [m.busy, m.waiting_gil, m.blocked, m.sleeping, m.gil_acquisitions, m.ops] {
            w.uint(v);
        }
    }
    w.uint(trace.wall);
    w.bool(trace.condensed);
    match &trace.outcome {
        Outcome::Completed => w.u8(0),
        Outcome::Deadlock { cycle } => {
            w.u8(1);
            w.uint(cycle.len() as u64);
            for edge in cycle {
                w.uint(edge.waiter.0 as u64);
                write_wait_on(w, edge.on);
                w.uint(edge.holder.0 as u64);
            }
        }
        Outcome::DeadlineExceeded => w.u8(2),
        Outcome::Cancelled => w.u8(3),
        Outcome::Panicked(message) => {
            w.u8(4);
            w.str(message);
        }
        Outcome::Stuck { waiting } => {
            w.u8(5);
            w.uint(waiting.len() as u64);
            for (actor, on) in waiting {
                w.uint(actor.0 as u64);
                write_wait_on(w, *on);
            }
        }
    }
    w.uint(trace.finals.len() as u64);
    for (object, value) in &trace.finals {
        w.uint(object.0 as u64);
        w.int(*value);
    }
    w.uint(trace.gil_handoffs.len() as u64);
    for h in &trace.gil_handoffs {
        w.uint(*h);
    }
}

fn read_trace(r: &mut Reader) -> Result<Trace, DecodeError> {
    let engine = match r.u8()? {
        0 => EngineKind::Simulated,
        1 => EngineKind::Live,
        _ => return Err(DecodeError("bad engine")),
    };
    let mut actors = Vec::new();
    for _ in 0..r.count(3)? {
        actors.push(ActorInfo {
            name: r.str()?,
            process: ProcessId(r.u16()?),
            pool_thread: r.opt()?.map(|t| t as u32),
        });
    }
    let batch = read_batch(r)?;
    let mut errors = Vec::new();
    for _ in 0..r.count(4)? {
        errors.push(PythonError { actor: ActorId(r.u16()?), line: r.u32()?, exception: r.str()?, message: r.str()? });
    }
    let mut metrics = Vec::new();
    for _ in 0..r.count(6)? {
        metrics.push(ActorMetrics {
            busy: r.uint()?,
            waiting_gil: r.uint()?,
            blocked: r.uint()?,
            sleeping: r.uint()?,
            gil_acquisitions: r.uint()?,
            ops: r.uint()?,
        });
    }
    let wall = r.uint()?;
    let condensed = r.bool()?;
    let outcome = match r.u8()? {
        0 => Outcome::Completed,
        1 => {
            let mut cycle = Vec::new();
            for _ in 0..r.count(4)? {
                cycle.push(WaitEdge { waiter: ActorId(r.u16()?), on: read_wait_on(r)?, holder: ActorId(r.u16()?) });
            }
            Outcome::Deadlock { cycle }
        }
        2 => Outcome::DeadlineExceeded,
        3 => Outcome::Cancelled,
        4 => Outcome::Panicked(r.str()?),
        5 => {
            let mut waiting = Vec::new();
            for _ in 0..r.count(3)? {
                waiting.push((ActorId(r.u16()?), read_wait_on(r)?));
            }
            Outcome::Stuck { waiting }
        }
        _ => return Err(DecodeError("bad outcome")),
    };
    let mut finals = Vec::new();
    for _ in 0..r.count(2)? {
        let object = ObjectId(r.u16()?);
        finals.push((object, r.int()?));
    }
    let mut gil_handoffs = Vec::new();
    for _ in 0..r.count(1)? {
        gil_handoffs.push(r.uint()?);
    }
    Ok(Trace {
        engine,
        actors,
        spans: batch.spans,
        marks: batch.marks,
        console: batch.console,
        errors,
        metrics,
        wall,
        condensed,
        outcome,
        finals,
        gil_handoffs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_batch() -> TraceBatch {
        TraceBatch {
            spans: vec![
                Span { actor: ActorId(0), kind: SpanKind::Run, start: 5, end: 900, line: 3, count: 1 },
                Span {
                    actor: ActorId(2),
                    kind: SpanKind::Wait(WaitOn::Actor(ActorId(1))),
                    start: 1 << 40,
                    end: (1 << 40) + 7,
                    line: 9,
                    count: 12,
                },
                Span {
                    actor: ActorId(1),
                    kind: SpanKind::Hold(ObjectId(4)),
                    start: 0,
                    end: 0,
                    line: 1,
                    count: u32::MAX,
                },
            ],
            marks: vec![
                Mark { actor: ActorId(1), kind: MarkKind::Sent { object: ObjectId(3), seq: 2 }, at: 77, line: 4 },
                Mark { actor: ActorId(0), kind: MarkKind::Printed(0), at: 78, line: 5 },
            ],
            console: vec![ConsoleWrite { actor: ActorId(0), at: 78, text: "안녕 world\n".into() }],
        }
    }

    fn sample_trace() -> Trace {
        let batch = sample_batch();
        Trace {
            engine: EngineKind::Live,
            actors: vec![ActorInfo { name: "MainThread".into(), process: ProcessId(0), pool_thread: Some(4) }],
            spans: batch.spans,
            marks: batch.marks,
            console: batch.console,
            errors: vec![PythonError {
                actor: ActorId(1),
                line: 7,
                exception: "RuntimeError".into(),
                message: "release unlocked lock".into(),
            }],
            metrics: vec![ActorMetrics {
                busy: 1,
                waiting_gil: 2,
                blocked: 3,
                sleeping: 4,
                gil_acquisitions: 5,
                ops: 6,
            }],
            wall: 123_456_789,
            condensed: true,
            outcome: Outcome::Deadlock {
                cycle: vec![WaitEdge { waiter: ActorId(1), on: WaitOn::Object(ObjectId(2)), holder: ActorId(2) }],
            },
            finals: vec![(ObjectId(0), -40_000), (ObjectId(1), i64::MAX)],
            gil_handoffs: vec![812],
        }
    }

    #[test]
    fn every_message_round_trips() {
        let requests = [
            Request::Probe { run: 7, request: ProbeRequest { jobs: 17, units_per_job: u64::MAX } },
            Request::Cancel { run: 7 },
            Request::PanicForTest,
            Request::Run { run: 3, lesson: "race_counter".into(), knobs: vec![("threads".into(), "4".into())] },
            Request::Explore {
                run: 5,
                lesson: "race_counter".into(),
                knobs: vec![("gil".into(), "off".into())],
                request: ExploreRequest { seeds: 3, picks: 2, max_runs: 1000, stop_at_first_break: true },
            },
        ];
        for request in requests {
            assert_eq!(Request::decode(&request.encode()), Ok(request));
        }
        let report = ProbeReport {
            request: ProbeRequest { jobs: 2, units_per_job: 1000 },
            jobs: vec![
                JobReport { job: 0, pool_thread: Some(3), start: 10, end: 20, checksum: 99, stopped: None },
                JobReport {
                    job: 1,
                    pool_thread: None,
                    start: 11,
                    end: 25,
                    checksum: 1,
                    stopped: Some(StopReason::Cancelled),
                },
            ],
            wall: 15,
            stopped: Some(StopReason::Cancelled),
        };
        let responses = [
            Response::Ready { isolated: true, pool_threads: 17, hardware_concurrency: 2 },
            Response::Progress { run: 1, done: 5, total: 10, elapsed_ns: 123_456 },
            Response::Trace { run: 1, batch: sample_batch() },
            Response::ProbeDone { run: 1, report },
            Response::Failed { run: 2, message: "no such lesson".into() },
            Response::Panicked { message: "boom".into() },
            Response::RunDone { run: 4, trace: sample_trace() },
            Response::ExploreDone {
                run: 6,
                report: ExploreReport {
                    figure: "lost".into(),
                    runs: 12,
                    histogram: vec![(-3, 1), (0, 10), (i64::MAX, 1)],
                    others: vec![("counter".into(), vec![(11, 12)]), ("meals_0".into(), vec![])],
                    broke: 2,
                    shortest: Some(Found {
                        seed: 9,
                        schedule: Schedule::parse("2w.3t1x2").unwrap(),
                        value: 3,
                        turns: 35,
                    }),
                    complete: false,
                },
            },
        ];
        for response in responses {
            assert_eq!(Response::decode(&response.encode()), Ok(response));
        }
    }

    #[test]
    fn truncated_or_corrupt_bytes_are_errors_not_panics() {
        let bytes = Response::Trace { run: 1, batch: sample_batch() }.encode();
        for len in 0..bytes.len() {
            assert!(Response::decode(&bytes[..len]).is_err(), "prefix of {len} bytes decoded");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Response::decode(&extra).is_err());
        // A huge count must not allocate or loop: it is refused up front.
        assert!(Response::decode(&[3, 1, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(Request::decode(&[9]).is_err());
    }
}
