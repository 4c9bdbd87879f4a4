//! asyncio's event loop: which of a loop's tasks runs, and who runs next. The engines call
//! it with their own task token `T` and time; nothing here knows about cores or the GIL.
//!
//! The rules, as CPython's `BaseEventLoop._run_once` and `Task.__step` keep them:
//! - one task runs at a time, on the loop's thread; it runs until it awaits something
//!   that is not ready (there is no preemption: a blocking call keeps the loop);
//! - `create_task` (and `gather` of coroutines) only schedules: the task joins the back of
//!   the ready queue and runs once the running task awaits;
//! - the ready queue is FIFO: tasks start in creation order, and `await asyncio.sleep(0)`
//!   sends the running task to the back of it, after every task ready now;
//! - `await asyncio.sleep(s)` sets a timer; due timers join the ready queue by deadline
//!   (then in the order set), and only when the loop gets control back;
//! - awaiting a task (`await t`, `gather`) waits until it ends; its end readies its
//!   awaiters, in the order they awaited.

use std::collections::VecDeque;

/// Time as the engine keeps it (the simulator's or the live run's nanoseconds).
pub type Time = u64;

/// One event loop's tasks. The main coroutine (`asyncio.run(main())`) is its first task.
#[derive(Clone, Debug)]
pub struct EventLoop<T> {
    running: Option<T>,
    ready: VecDeque<T>,
    /// (deadline, order set, task)
    timers: Vec<(Time, u64, T)>,
    set: u64,
    /// (awaited task, its awaiter)
    awaiting: Vec<(T, T)>,
    done: Vec<T>,
}

impl<T: Copy + Eq> EventLoop<T> {
    /// A loop running its main coroutine.
    pub fn new(main: T) -> EventLoop<T> {
        EventLoop {
            running: Some(main),
            ready: VecDeque::new(),
            timers: Vec::new(),
            set: 0,
            awaiting: Vec::new(),
            done: Vec::new(),
        }
    }

    /// The task the loop runs now; `None` while it waits for a timer.
    pub fn running(&self) -> Option<T> {
        self.running
    }

    /// Whether a task has ended.
    pub fn is_done(&self, task: T) -> bool {
        self.done.contains(&task)
    }

    /// `asyncio.create_task(coro)`: scheduled, not run; the caller goes on.
    pub fn create_task(&mut self, task: T) {
        self.ready.push_back(task);
    }

    /// `await asyncio.sleep(0)`: the running task goes behind every ready task. Returns
    /// who runs next (itself, when nobody else is ready).
    pub fn yield_now(&mut self) -> Option<T> {
        if let Some(me) = self.running.take() {
            self.ready.push_back(me);
        }
        self.next()
    }

    /// `await asyncio.sleep(s)` for `s > 0`: the running task waits for a timer due at
    /// `deadline`. Returns who runs next (`None`: the loop waits for a timer).
    pub fn sleep_until(&mut self, deadline: Time) -> Option<T> {
        if let Some(me) = self.running.take() {
            self.timers.push((deadline, self.set, me));
            self.set += 1;
        }
        self.next()
    }

    /// `await task` (or `gather`): `Some(me)` at once if it has ended, else the running task
    /// waits for it and the loop runs the next.
    pub fn await_task(&mut self, task: T) -> Option<T> {
        if self.is_done(task) {
            return self.running;
        }
        if let Some(me) = self.running.take() {
            self.awaiting.push((task, me));
        }
        self.next()
    }

    /// The running task has returned: its awaiters are ready. Returns who runs next.
    pub fn finish(&mut self) -> Option<T> {
        if let Some(me) = self.running.take() {
            self.done.push(me);
            let mut i = 0;
            while i < self.awaiting.len() {
                if self.awaiting[i].0 == me {
                    let (_, waiter) = self.awaiting.remove(i);
                    self.ready.push_back(waiter);
                } else {
                    i += 1;
                }
            }
        }
        self.next()
    }

    /// The earliest timer's deadline.
    pub fn next_deadline(&self) -> Option<Time> {
        self.timers.iter().map(|t| t.0).min()
    }

    /// Timers due by `now` join the ready queue, by deadline then order set. Returns the
    /// task that runs now if the loop was idle.
    pub fn fire_due(&mut self, now: Time) -> Option<T> {
        let mut due: Vec<(Time, u64, T)> = self.timers.iter().copied().filter(|t| t.0 <= now).collect();
        due.sort_by_key(|t| (t.0, t.1));
        self.timers.retain(|t| t.0 > now);
        self.ready.extend(due.into_iter().map(|t| t.2));
        self.idle_runs()
    }

    /// One task's timer has fired (an engine that keeps the times itself): it joins the
    /// ready queue. Returns the task that runs now if the loop was idle.
    pub fn timer_fired(&mut self, task: T) -> Option<T> {
        if let Some(i) = self.timers.iter().position(|t| t.2 == task) {
            self.timers.remove(i);
            self.ready.push_back(task);
        }
        self.idle_runs()
    }

    /// Whether a task waits in the ready queue.
    pub fn is_ready(&self, task: T) -> bool {
        self.ready.contains(&task)
    }

    fn idle_runs(&mut self) -> Option<T> {
        match self.running {
            Some(_) => None,
            None => self.next(),
        }
    }

    fn next(&mut self) -> Option<T> {
        self.running = self.ready.pop_front();
        self.running
    }
}

#[cfg(test)]
mod tests {
    use super::EventLoop;

    #[test]
    fn create_task_schedules_without_running_and_tasks_start_in_creation_order() {
        // main: create_task(A); create_task(B); print(...); await A; await B
        let mut ev = EventLoop::new('m');
        ev.create_task('A');
        ev.create_task('B');
        assert_eq!(ev.running(), Some('m'), "create_task returns to its caller at once");
        assert_eq!(ev.await_task('A'), Some('A'));
        assert_eq!(ev.finish(), Some('B'), "B was ready before A's end readied main");
        assert_eq!(ev.finish(), Some('m'));
        assert_eq!(ev.await_task('B'), Some('m'), "an ended task's await does not suspend");
    }

    #[test]
    fn sleep_zero_lets_every_ready_task_run_first() {
        // 3 tasks of `read; await sleep(0); write`: all read before any writes.
        let mut ev = EventLoop::new(0);
        ev.create_task(1);
        ev.create_task(2);
        assert_eq!(ev.await_task(1), Some(1));
        let mut order = vec![];
        let mut now = ev.running();
        for _ in 0..3 {
            order.push(now.unwrap());
            now = ev.yield_now();
        }
        assert_eq!(order, [1, 2, 1]);
        assert_eq!(now, Some(2), "and so on, in turn");
    }

    #[test]
    fn timers_wake_by_deadline_and_only_when_the_loop_is_free() {
        let mut ev = EventLoop::new(0);
        ev.create_task(1);
        ev.create_task(2);
        ev.create_task(3);
        assert_eq!(ev.await_task(3), Some(1));
        assert_eq!(ev.sleep_until(200), Some(2));
        assert_eq!(ev.sleep_until(100), Some(3));
        // 3 blocks the loop (a `time.sleep`) past both deadlines: nothing runs meanwhile.
        assert_eq!(ev.fire_due(500), None);
        assert_eq!(ev.finish(), Some(2), "the earlier deadline first");
        assert_eq!(ev.finish(), Some(1));
        assert_eq!(ev.finish(), Some(0), "main awaited 3");
        assert_eq!(ev.next_deadline(), None);
    }

    #[test]
    fn an_idle_loop_runs_the_first_due_timer() {
        let mut ev = EventLoop::new(0);
        ev.create_task(1);
        assert_eq!(ev.await_task(1), Some(1));
        assert_eq!(ev.sleep_until(100), None, "nothing ready: the loop waits");
        assert_eq!(ev.next_deadline(), Some(100));
        assert_eq!(ev.fire_due(99), None);
        assert_eq!(ev.timer_fired(1), Some(1));
    }
}
