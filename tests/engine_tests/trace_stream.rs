use interleave::engine::program::{ActorId, ObjectId};
use interleave::engine::trace::{ActorRecorder, SpanKind, TraceBatch, TraceBudget};
use interleave::worker::protocol::Response;

/// What the page rebuilds from streamed batches equals what the actor recorded.
#[test]
fn batches_streamed_during_a_run_add_up_to_the_whole_trace() {
    let mut recorder = ActorRecorder::new(ActorId(3), TraceBudget { events_per_actor: 10_000, merge_gap: 0 });
    let mut received = TraceBatch::default();
    let mut receive = |batch: TraceBatch| {
        let bytes = Response::Trace { run: 1, batch, skipped: 0 }.encode();
        let Ok(Response::Trace { batch, .. }) = Response::decode(&bytes) else { panic!("decode") };
        received.spans.extend(batch.spans);
        received.marks.extend(batch.marks);
        received.console.extend(batch.console);
    };
    for i in 0..500u64 {
        recorder.push_span(SpanKind::Hold(ObjectId(1)), i * 100, i * 100 + 10, 4);
        if i % 50 == 0 {
            recorder.print(i * 100 + 5, 5, format!("step {i}\n"));
        }
        if i % 37 == 0 {
            receive(recorder.take_batch());
        }
    }
    // The run ends: the last, held-back span goes too.
    recorder.close_all(50_000);
    receive(recorder.take_final_batch());
    assert_eq!(received.spans, recorder.spans);
    assert_eq!(received.console, recorder.console);
    assert_eq!(received.marks, recorder.marks);
}
