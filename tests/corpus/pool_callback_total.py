from multiprocessing import Pool

total = 0


def square(x):
    return x * x


def add(result):
    # Runs in the parent's result-handler thread, one result at a time.
    global total
    total = total + result


if __name__ == "__main__":
    pool = Pool(3)
    for x in range(6):
        pool.apply_async(square, (x,), callback=add)
    pool.close()
    pool.join()
    print(f"total = {total}")
