//! The native command line: `interleave lessons`, `interleave probe`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match interleave::cli::main(&args) {
        Ok(output) => print!("{output}"),
        Err(message) => {
            eprintln!("interleave: {message}");
            std::process::exit(2);
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
