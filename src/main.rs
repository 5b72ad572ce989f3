//! The `policysim` command line: a thin layer over the library.

fn main() {
    std::process::exit(policysim::cli::main());
}
