package org.userman.serviceaccount;

/** A secret just made: {@code secret} is in this answer only. */
public record CreatedClientSecret(ClientSecret clientSecret, String secret) {}
