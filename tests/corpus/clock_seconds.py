import time


def work():
    start = time.perf_counter()
    start -= 1
    later = start + 2
    print(round((later - start) * 1000))


work()
