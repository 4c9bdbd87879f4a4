import threading


class Counter:
    def __init__(self):
        self.value = 0
