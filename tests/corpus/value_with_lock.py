from multiprocessing import Process, Value


def deposit(balance, times):
    for _ in range(times):
        with balance.get_lock():
            balance.value += 10


if __name__ == "__main__":
    balance = Value("i", 0)
    tellers = [Process(target=deposit, args=(balance,), kwargs={"times": 25}) for _ in range(4)]
    for t in tellers:
        t.start()
    for t in tellers:
        t.join()
    print(f"balance = {balance.value}")
