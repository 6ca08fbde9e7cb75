"""The rules that span records: what the screens call, between views/ and documents/."""
