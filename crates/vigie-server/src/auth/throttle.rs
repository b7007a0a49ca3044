//! Sign-in throttling policy: growing delays after repeated failures, per account and per
//! address. The counts live in the store (shared by every server instance); this module only
//! says how long to wait after the n-th failure in a row.

use chrono::Duration;

/// A policy: the first `free` failures cost nothing, then the delay doubles from 2 seconds up
/// to `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures in a row allowed without delay.
    pub free: u64,
    /// Longest delay.
    pub cap_seconds: i64,
}

/// Per account: typos happen, guessing does not; three free failures, then 2 s, 4 s, 8 s…
/// up to 15 minutes.
pub const PER_ACCOUNT: Policy = Policy {
    free: 3,
    cap_seconds: 15 * 60,
};

/// Per address: a town hall's agents share one public address, so more room before delays.
pub const PER_ADDRESS: Policy = Policy {
    free: 10,
    cap_seconds: 15 * 60,
};

/// A count is forgotten after an hour without failure.
pub fn forget_after() -> Duration {
    Duration::hours(1)
}

impl Policy {
    /// How long to block after the `failures`-th failure in a row.
    pub fn delay(&self, failures: u64) -> Duration {
        if failures <= self.free {
            return Duration::zero();
        }
        let exponent = (failures - self.free).min(30);
        let seconds = 1i64
            .checked_shl(u32::try_from(exponent).unwrap_or(30))
            .unwrap_or(i64::MAX);
        Duration::seconds(seconds.min(self.cap_seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn first_failures_are_free_then_delays_grow() {
        let p = PER_ACCOUNT;
        assert_eq!(p.delay(1), Duration::zero());
        assert_eq!(p.delay(3), Duration::zero());
        assert_eq!(p.delay(4), Duration::seconds(2));
        assert_eq!(p.delay(5), Duration::seconds(4));
        assert_eq!(p.delay(100), Duration::seconds(900));
        assert_eq!(p.delay(u64::MAX), Duration::seconds(900));
    }

    proptest! {
        #[test]
        fn delays_never_shrink_and_stay_capped(n in 0u64..10_000, free in 0u64..20, cap in 1i64..10_000) {
            let p = Policy { free, cap_seconds: cap };
            prop_assert!(p.delay(n) <= p.delay(n + 1));
            prop_assert!(p.delay(n) <= Duration::seconds(cap));
            prop_assert!(p.delay(n) >= Duration::zero());
        }
    }
}
