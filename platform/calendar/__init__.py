"""The working-day calendar: statutory deadlines on China's official holiday calendar."""
