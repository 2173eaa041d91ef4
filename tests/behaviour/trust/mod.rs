//! Rule 2: a config found in the current folder is used only once trusted.

mod attacks;
mod folder_config;
