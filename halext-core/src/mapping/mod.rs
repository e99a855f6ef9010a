//! Mapping legacy users to Halext accounts.
//!
//! | piece | file | what |
//! | --- | --- | --- |
//! | rules | [`normalize`] | email normalisation, the Halext username rule, the case-insensitive name key |
//! | store | [`store`] | the `halext_user_map` table, lookups (linked rows cached per process), links, advisory locks |
//! | planner | [`plan`] | read every site, merge identities, derive usernames, resolve collisions, report |
//! | apply | [`apply`] | write a plan into the store in resumable batches |
//! | Halext | [`halext`] | the [`halext::HalextAccounts`] trait login and registration talk to |
//! | login | [`login`] | login-time migration |
//! | registration | [`register`] | gated registration (Halext first, then the app's row, then `link`) |
//! | service | [`service`] | [`MigrationService`]: all of the above from one `halext.toml`, per process |
//! | bindings | [`options`], [`json`] | what a PHP/C Migration object is made from and holds (fork-aware); the JSON shapes it returns |
//! | CSV | [`csv_cell`] | text cells of the CSV outputs: control characters replaced, formulas defused |
//! | health | [`health`] | mapping rows that point at legacy accounts which no longer exist (`halext doctor`) |
//!
//! The operator's runbook and the rules in prose are in `docs/migration.md`.

pub mod apply;
mod csv_cell;
pub mod error;
pub mod halext;
pub mod halext_api;
pub mod health;
pub mod json;
pub mod login;
pub mod model;
pub mod normalize;
pub mod options;
pub mod plan;
pub mod register;
pub mod service;
pub mod store;

pub use csv_cell::csv_cell;
pub use error::{BlockReason, MigrationError};
pub use model::{LinkMethod, LinkedAccount, Mapping, MappingKey, MappingStatus, PlannedRow};
pub use options::{MigrationHandle, MigrationOptions};
pub use service::MigrationService;
pub use store::blocking::BlockingMappingStore;
pub use store::{MappingStore, StoreConfig};
