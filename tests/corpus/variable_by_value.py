counter = 5
counter += 0


def bump(n):
    n = n + 1
    print(n)


bump(counter)
print(counter)
