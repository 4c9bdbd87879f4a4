mod live_pool;
mod program;
mod race_live;
mod trace_stream;
