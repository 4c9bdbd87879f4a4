from multiprocessing import Pool

total = 0


def f(x):
    x += 10
    return x


def add(r):
    global total
    total = total + r


if __name__ == "__main__":
    with Pool(1) as pool:
        r = pool.map(f, range(5, 8), chunksize=3)
    p = Pool(2)
    for x in range(3, 6):
        p.apply_async(f, (x,), callback=add)
    p.close()
    p.join()
    print(f"{len(r)} {total}")
