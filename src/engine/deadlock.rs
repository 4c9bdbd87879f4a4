//! Finding a deadlock in a wait-for graph: who waits for what, and who holds it. Shared by
//! both engines (the simulator when nobody can move, the live watchdog while a run goes on).

use crate::engine::program::ActorId;
use crate::engine::trace::{WaitEdge, WaitOn};

/// One blocked actor: what it waits for, and who holds that (if anyone does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub waiter: ActorId,
    pub on: WaitOn,
    pub holder: Option<ActorId>,
}

/// The first cycle of the graph, as edges each leading to the next, if there is one.
pub fn find_cycle(waiting: &[Waiting]) -> Option<Vec<WaitEdge>> {
    let edge_of = |actor: ActorId| waiting.iter().find(|w| w.waiter == actor);
    for start in waiting {
        // Follow waits-for edges; coming back to the path closes a cycle.
        let mut path = vec![start.waiter];
        let mut at = start;
        while let Some(holder) = at.holder {
            if let Some(pos) = path.iter().position(|&p| p == holder) {
                let cycle = path[pos..]
                    .iter()
                    .map(|&w| {
                        let edge = edge_of(w).expect("every actor on the path waits");
                        WaitEdge { waiter: w, on: edge.on, holder: edge.holder.expect("and someone holds it") }
                    })
                    .collect();
                return Some(cycle);
            }
            path.push(holder);
            match edge_of(holder) {
                Some(next) => at = next,
                None => break,
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::ObjectId;

    fn w(waiter: u16, object: u16, holder: Option<u16>) -> Waiting {
        Waiting { waiter: ActorId(waiter), on: WaitOn::Object(ObjectId(object)), holder: holder.map(ActorId) }
    }

    #[test]
    fn a_ring_of_waits_is_a_cycle_and_a_chain_is_not() {
        let ring = [w(0, 9, Some(1)), w(1, 10, Some(2)), w(2, 11, Some(0))];
        let cycle = find_cycle(&ring).unwrap();
        assert_eq!(cycle.len(), 3);
        assert!(cycle.iter().zip(cycle.iter().cycle().skip(1)).all(|(a, b)| a.holder == b.waiter));
        let chain = [w(0, 9, Some(1)), w(1, 10, Some(2))];
        assert_eq!(find_cycle(&chain), None);
        assert_eq!(find_cycle(&[w(0, 1, None)]), None);
    }

    #[test]
    fn a_thread_waiting_for_itself_is_a_cycle_of_one_even_behind_a_chain() {
        let waits = [w(5, 1, Some(3)), w(3, 2, Some(3))];
        let cycle = find_cycle(&waits).unwrap();
        assert_eq!(cycle, vec![WaitEdge { waiter: ActorId(3), on: WaitOn::Object(ObjectId(2)), holder: ActorId(3) }]);
    }
}
