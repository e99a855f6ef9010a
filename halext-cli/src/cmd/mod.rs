//! One module per command family. Each exposes its clap arguments and a
//! `run(args, &Output) -> Result<Exit, Failure>`.

pub mod api;
pub mod client;
pub mod doctor;
pub mod hash;
pub mod migrate;
mod migrate_plan;
mod migrate_table;
pub mod token;
