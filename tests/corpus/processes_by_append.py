# The shared Value example of the seed tutorials, written as a learner would: a list of
# processes built by append, print with several values, a pid kept in a name.
from multiprocessing import Process, current_process, Value
import os


def generate_update_number(v):
    for i in range(50):
        v.value += 1
    print(current_process().name, "data", v.value)


if __name__ == "__main__":
    parent_process_id = os.getpid()
    print(f"Parent process ID {parent_process_id}")
    processes = []
    share_value = Value("i", 0)
    for _ in range(1, 10):
        p = Process(target=generate_update_number, args=(share_value,))
        processes.append(p)
        p.start()
    for p in processes:
        p.join()
    print("Final Data(share_value) in parent process", share_value.value)
