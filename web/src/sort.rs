//! One sort for the page's own code. Each type `slice::sort_by_key` or
//! `sort_unstable` is used with brings its own copy of the standard sorts
//! into the wasm (a few kilobytes each); sorting `(key, index)` pairs shares
//! one copy, which counts against the page's size budget (web/BENCHMARKS-web.md).

/// Sorts `items` by `key`, stably: items with equal keys keep their order.
/// The pairs are unique (the index breaks ties), so the unstable sort of
/// them is the stable sort of the items.
pub fn by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let mut order: Vec<(u64, u32)> = items.iter().enumerate().map(|(i, t)| (key(t), i as u32)).collect();
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|(_, i)| slots[i as usize].take()));
}

#[cfg(test)]
mod tests {
    use super::by_key;

    #[test]
    fn sorts_by_the_key_and_keeps_equal_keys_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e'), (u64::MAX, 'f'), (3, 'g')];
        let mut expected = items.clone();
        expected.sort_by_key(|&(k, _)| k);
        by_key(&mut items, |&(k, _)| k);
        assert_eq!(items, expected);
        let mut none: Vec<u8> = Vec::new();
        by_key(&mut none, |&x| u64::from(x));
        assert!(none.is_empty());
    }
}
