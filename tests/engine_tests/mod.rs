mod build;
mod live_pool;
mod program;
mod race_live;
mod sim;
mod trace_stream;
