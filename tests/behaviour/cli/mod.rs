//! The subcommands through the real binary: commands, scripts, doctor,
//! and the attacks on them.

mod attacks;
mod commands;
mod doctor;
mod scripts;
