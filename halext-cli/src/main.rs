//! The `halext` command-line tool.
fn main() {
    println!("halext {}", halext_core::VERSION);
}
