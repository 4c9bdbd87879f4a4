import multiprocessing

visits = 0


def visit():
    global visits
    visits += 1
    print(f"in {multiprocessing.current_process().name}: visits = {visits}")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    visits = 100
    child = multiprocessing.Process(target=visit, name="child")
    child.start()
    child.join()
    print(f"in the parent: visits = {visits}")
