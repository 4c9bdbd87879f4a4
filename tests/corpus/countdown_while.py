# A while loop with break and continue in a thread, and the main thread's own loop.
import threading

left = 10
skipped = 0


def count_down():
    global left, skipped
    while left > 0:
        left -= 1
        if left == 5:
            skipped += 1
            continue
        if left == 2:
            break
    print(f"stopped at {left}, skipped {skipped}")


t = threading.Thread(target=count_down)
t.start()
t.join()
n = 0
while n < 3:
    n += 1
print(f"main counted to {n}")
