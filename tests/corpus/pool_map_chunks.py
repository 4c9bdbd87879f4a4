import multiprocessing as mp


def cube(n):
    return n * n * n


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        results = pool.map(cube, range(9), chunksize=4)
    print(f"{len(results)} cubes")
