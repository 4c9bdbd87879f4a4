mod build;
mod live_deadlock;
mod live_pool;
mod pool;
mod program;
mod race_live;
mod sim;
mod trace_stream;
