mod architecture;
mod files;
mod headers;
mod python_errors;
mod sources;
