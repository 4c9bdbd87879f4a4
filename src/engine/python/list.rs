//! A Python list of whole numbers. Like a module-level number, each process has its own
//! copy (a forked child starts with its parent's, a spawned one with the program's first
//! value). Under the GIL each method is one step no other thread can split; two steps
//! (`lst[i] = lst[i] + 1`) can be split as `counter += 1` can.

use crate::engine::python::errors::{self, PyError};

/// The most items a list may hold in a run.
pub const MAX_ITEMS: usize = 1_000_000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct List {
    items: Vec<i64>,
}

impl List {
    pub fn new(items: Vec<i64>) -> List {
        List { items }
    }

    pub fn items(&self) -> &[i64] {
        &self.items
    }

    /// `lst.append(value)`; past [`MAX_ITEMS`], the engines' MemoryError (a program that
    /// appends for ever must not take the page's memory).
    pub fn append(&mut self, value: i64) -> Result<(), PyError> {
        if self.items.len() >= MAX_ITEMS {
            return Err(errors::LIST_TOO_LONG);
        }
        self.items.push(value);
        Ok(())
    }

    pub fn len(&self) -> i64 {
        self.items.len() as i64
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `lst[index]`, from the end when negative.
    pub fn get(&self, index: i64) -> Result<i64, PyError> {
        self.place(index).map(|at| self.items[at]).ok_or(errors::LIST_INDEX)
    }

    /// `lst[index] = value`.
    pub fn set(&mut self, index: i64, value: i64) -> Result<(), PyError> {
        let at = self.place(index).ok_or(errors::LIST_ASSIGNMENT_INDEX)?;
        self.items[at] = value;
        Ok(())
    }

    /// `lst.pop()`: the last item, taken off.
    pub fn pop(&mut self) -> Result<i64, PyError> {
        self.items.pop().ok_or(errors::POP_EMPTY)
    }

    /// Where `index` points, as Python counts (−1 is the last item).
    fn place(&self, index: i64) -> Option<usize> {
        let len = self.items.len() as i64;
        let at = if index < 0 { index + len } else { index };
        (0..len).contains(&at).then_some(at as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexing_counts_from_either_end_and_raises_as_cpython_does() {
        let mut list = List::new(vec![10, 20, 30]);
        assert_eq!((list.get(0), list.get(-1), list.get(-3)), (Ok(10), Ok(30), Ok(10)));
        assert_eq!(list.get(3), Err(errors::LIST_INDEX));
        assert_eq!(
            (errors::LIST_INDEX.exception, errors::LIST_INDEX.message),
            ("IndexError", "list index out of range")
        );
        assert_eq!(list.get(-4), Err(errors::LIST_INDEX));
        list.set(-1, 31).unwrap();
        assert_eq!(list.set(5, 0), Err(errors::LIST_ASSIGNMENT_INDEX));
        list.append(40).unwrap();
        assert_eq!((list.pop(), list.pop(), list.len()), (Ok(40), Ok(31), 2));
        let mut empty = List::default();
        assert_eq!(empty.pop(), Err(errors::POP_EMPTY));
        assert_eq!(errors::POP_EMPTY.message, "pop from empty list");
    }
}
