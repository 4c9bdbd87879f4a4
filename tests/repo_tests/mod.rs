mod architecture;
mod headers;
