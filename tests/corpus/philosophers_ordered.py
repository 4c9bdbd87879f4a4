# Three philosophers take their forks lowest first, so no cycle can form: three meals each.
import threading
import time

N = 3
forks = [threading.Lock() for _ in range(N)]
meals = 0
count_lock = threading.Lock()


def philosopher(i):
    global meals
    left, right = i, (i + 1) % N
    first, second = min(left, right), max(left, right)
    for _ in range(3):
        with forks[first]:
            time.sleep(0.001)
            with forks[second]:
                with count_lock:
                    meals += 1
        time.sleep(0.001)


diners = [threading.Thread(target=philosopher, args=(i,)) for i in range(N)]
for d in diners:
    d.start()
for d in diners:
    d.join()
print(f"meals: {meals}")
