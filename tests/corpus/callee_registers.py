def double(n):
    d = n * 2
    return d


x = 5
x += 1
print(x + 1, double(x))
