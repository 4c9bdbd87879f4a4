mod headers;
