"""What the tests share: LINE payloads, the fake LINE, processes, the chat harness."""
