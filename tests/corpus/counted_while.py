# While loops that count: by a step, on a parameter, reading the variable inside, a test
# of `!=` and of the number alone, one that never runs, and the main thread's own.
import threading

total = 0

def countdown(n):
    global total
    while n > 0:
        total += n
        n -= 3
    print(f"countdown ends at {n}, total {total}")

def count_up(i, limit):
    while i <= limit:
        print(f"Running {i}")
        i = i + 1
    print(f"counted to {i}")

def until_zero(i):
    while i:
        i -= 1
    print(f"until_zero ends at {i}")

def never():
    k = 10
    while k < 5:
        k += 1
    print(f"never ran: {k}")

def evens():
    k = 0
    while 10 != k:
        k += 2
    print(f"evens end at {k}")

t1 = threading.Thread(target=countdown, args=(10,))
t2 = threading.Thread(target=count_up, args=(1, 3))
t3 = threading.Thread(target=until_zero, args=(4,))
t4 = threading.Thread(target=never)
t5 = threading.Thread(target=evens)
t1.start()
t1.join()
t2.start()
t2.join()
t3.start()
t3.join()
t4.start()
t4.join()
t5.start()
t5.join()
m = 7
while m >= 2:
    m -= 2
print(f"main ends at {m}")
