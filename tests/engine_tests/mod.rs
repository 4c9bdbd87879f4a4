mod live_pool;
mod program;
mod trace_stream;
